"""IEEE 802.15.4 frames (2003, 2006 and the 2015 header) with CCM* security, carrying WPA-L v1,
the WIA-PA-like profile (docs/profiles/wpa-l.md): the key store, MAC-only decoding for any
802.15.4 traffic, and NL fragment reassembly.

Decode with ``causeway.decode("wpan", frame, keys=store)`` (``"wpan-no-fcs"`` without the FCS,
as in pcap link type 230); build with ``causeway.encode("wpan", fields, keys=store)``.
"""

from ._causeway import KeyStore, Reassembly, decode_mac
from ._causeway import WpanFrame as Frame

__all__ = ["Frame", "KeyStore", "Reassembly", "decode_mac"]
