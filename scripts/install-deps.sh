#!/usr/bin/env bash
# Installs exactly the Debian packages that building, testing and benchmarking Helpdesk need.
# Idempotent: when everything is present it only checks and returns in about a second.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config git clang-format
  # libraries (docs/ARCHITECTURE.md)
  libboost1.81-dev libsqlite3-dev libsqlitecpp-dev libspdlog-dev libfmt-dev libcli11-dev
  libtomlplusplus-dev libsodium-dev libhowardhinnant-date-dev tzdata prometheus-cpp-dev
  libcurl4-openssl-dev libkainjow-mustache-dev libgmime-3.0-dev libxml2-dev
  zlib1g-dev libbrotli-dev  # compressing the web app for serving
  # tests and benchmarks (openssl makes the throwaway certificates of the mail TLS tests)
  doctest-dev python3 python3-pytest curl wrk prometheus python3-aiosmtpd chromium sqlite3 openssl
  valgrind  # tests/bench/instructions.sh counts instructions a request
  # fuzzing (clang's libFuzzer and sanitizer runtimes) and static analysis (scripts/tidy.sh)
  clang libclang-rt-14-dev clang-tidy
  dovecot-imapd  # the IMAP server of the inbound mail tests
)
# Node.js may come from elsewhere (a newer build that bundles npm): only ask Debian when absent.
command -v npm >/dev/null || packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  echo "Installing: ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then sudo=sudo; else sudo=; fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
