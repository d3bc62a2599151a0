// NetworkPrefix: the network a client address belongs to, for throttles that must hold against
// an attacker who owns many addresses: the /24 of an IPv4 address, the /56 of an IPv6 one (the
// smallest block an ISP commonly hands one customer). An IPv4-mapped IPv6 address
// (::ffff:a.b.c.d, how a dual-stack listener reports IPv4 clients) counts as its IPv4 address.
// Pure functions.
#pragma once

#include <string>
#include <string_view>

namespace mqchat::auth {

// "4:a.b.c" for IPv4, "6:" + the first 7 bytes in hex for IPv6; for anything that is not an
// address (a Unix socket, an empty string) the text itself, so it still gets a key of its own.
std::string NetworkPrefix(std::string_view address);

}  // namespace mqchat::auth
