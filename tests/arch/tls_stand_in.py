"""A TLSResolver with fixed answers, for the architectures' TLS fixup tests."""

from __future__ import annotations

from pyjitlink.jitlink.tls import StaticTLSUnavailable


class StandInTLS:
    """Module 3, its image at ``image``, its block ``block_tp_offset`` bytes from the thread
    pointer (None: not in static TLS); descriptor resolvers at RESOLVERS (static, dynamic)."""

    RESOLVERS = (0x5000, 0x6000)

    def __init__(self, image: int, block_tp_offset: int | None) -> None:
        self.image = image
        self.block_tp_offset = block_tp_offset

    def module_id(self, address: int, name: str) -> int:
        return 3

    def dtp_offset(self, address: int, name: str) -> int:
        return address - self.image

    def tp_offset(self, address: int, name: str) -> int:
        if self.block_tp_offset is None:
            raise StaticTLSUnavailable(f"{name} is not in static TLS", "fixups.o", 64)
        return self.block_tp_offset + address - self.image

    def tlsdesc(self, address: int, name: str) -> tuple[int, int | None]:
        if self.block_tp_offset is None:
            return self.RESOLVERS[1], None
        return self.RESOLVERS[0], self.tp_offset(address, name)
