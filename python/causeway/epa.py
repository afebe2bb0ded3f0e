"""EPA-S v1, the EPA-style real-time Ethernet profile (docs/profiles/epa-s.md): frames on
EtherType 0x88CB or in IPv4/UDP (port 35004 by default), domain-transfer reassembly and the
macrocycle check.

Decode with ``causeway.decode("epa-s", frame)`` (``port=`` for another UDP port); build with
``causeway.encode("epa-s", fields)``.
"""

from ._causeway import DomainTransfer, Macrocycle
from ._causeway import EpaFrame as Frame

__all__ = ["DomainTransfer", "Frame", "Macrocycle"]
