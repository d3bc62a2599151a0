// Free loopback TCP ports for test servers: bind port 0 on 127.0.0.1 and read it back.
#pragma once

namespace mqchat::test {

// Returns a port that was free on 127.0.0.1 a moment ago. Ports are not reused within a process.
int FreePort();

// True if something accepts TCP connections on 127.0.0.1:port.
bool CanConnect(int port);

}  // namespace mqchat::test
