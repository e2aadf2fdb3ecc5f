// Boost.Beast, Boost.JSON and Boost.URL compiled once for the whole program, instead of in
// every translation unit that includes them (their separate-compilation mode).
#include <boost/beast/src.hpp>
#include <boost/json/src.hpp>
#include <boost/url/src.hpp>
