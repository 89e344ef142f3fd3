"""A loopback port for the servers the tests start (and for a mirror that is down)."""
import socket


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on at the moment of the call."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
