# The agents' web app (web/, TypeScript + Vite) is built into web/dist as part of the default
# build, so that `helpdesk serve` from a build of this tree serves it at /app/.
# `npm ci` runs only when package.json or package-lock.json is newer than the installed tree;
# `npm run build` only when a file of the app changed. Without web/package.json (or without npm)
# the `web` target says so and does nothing, so the server still builds on its own.
set(HD_WEB_DIR ${PROJECT_SOURCE_DIR}/web)
find_program(HD_NPM npm)

if(NOT EXISTS ${HD_WEB_DIR}/package.json)
  add_custom_target(web COMMAND ${CMAKE_COMMAND} -E echo "web/package.json not found: the web app is not built")
elseif(NOT HD_NPM)
  message(WARNING "npm not found: the web app is not built (run scripts/install-deps.sh)")
  add_custom_target(web COMMAND ${CMAKE_COMMAND} -E echo "npm not found: the web app is not built")
else()
  # npm ci leaves node_modules/.package-lock.json behind: its time says when it last ran.
  set(HD_WEB_INSTALLED ${HD_WEB_DIR}/node_modules/.package-lock.json)
  set(HD_WEB_LOCK ${HD_WEB_DIR}/package.json)
  if(EXISTS ${HD_WEB_DIR}/package-lock.json)
    list(APPEND HD_WEB_LOCK ${HD_WEB_DIR}/package-lock.json)
    set(HD_NPM_INSTALL ci)
  else()
    set(HD_NPM_INSTALL install)
  endif()
  add_custom_command(OUTPUT ${HD_WEB_INSTALLED}
                     COMMAND ${HD_NPM} ${HD_NPM_INSTALL} --no-audit --no-fund --loglevel=error
                     COMMAND ${CMAKE_COMMAND} -E touch ${HD_WEB_INSTALLED}
                     DEPENDS ${HD_WEB_LOCK}
                     WORKING_DIRECTORY ${HD_WEB_DIR}
                     COMMENT "Installing the web app's npm packages"
                     VERBATIM)
  # The app's inputs, for the build's dependency check only (not compiled sources: the glob
  # is re-checked at every build so that a new file triggers a rebuild).
  file(GLOB_RECURSE HD_WEB_INPUTS CONFIGURE_DEPENDS
       ${HD_WEB_DIR}/src/* ${HD_WEB_DIR}/public/* ${HD_WEB_DIR}/plugins/* ${HD_WEB_DIR}/index.html
       ${HD_WEB_DIR}/vite.config.* ${HD_WEB_DIR}/tsconfig*.json)
  set(HD_WEB_STAMP ${CMAKE_CURRENT_BINARY_DIR}/web-build.stamp)
  add_custom_command(OUTPUT ${HD_WEB_STAMP}
                     COMMAND ${HD_NPM} run build
                     COMMAND ${CMAKE_COMMAND} -E touch ${HD_WEB_STAMP}
                     DEPENDS ${HD_WEB_INSTALLED} ${HD_WEB_INPUTS} ${HD_WEB_LOCK}
                     WORKING_DIRECTORY ${HD_WEB_DIR}
                     COMMENT "Building the web app into web/dist"
                     VERBATIM USES_TERMINAL)
  add_custom_target(web ALL DEPENDS ${HD_WEB_STAMP})
endif()
