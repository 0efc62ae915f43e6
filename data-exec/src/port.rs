//! Picking a port number for a server that only listens on its private Unix socket.

use std::net::TcpListener;

/// The port used when the operating system cannot hand us a free one.
const FALLBACK_BASE: u16 = 20_000;

/// A port number nobody on this machine is listening on right now.
///
/// The server never opens it (it listens on a socket file named after it), but a free
/// number keeps it clear of anything else that derives names or keys from the port.
pub(crate) fn free_port() -> u16 {
    TcpListener::bind(("127.0.0.1", 0))
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .unwrap_or_else(|_| FALLBACK_BASE + (std::process::id() % 10_000) as u16)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_port_is_nonzero() {
        assert_ne!(free_port(), 0);
    }
}
