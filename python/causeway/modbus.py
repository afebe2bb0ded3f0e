"""Modbus: TCP (MBAP), RTU, ASCII and RTU over TCP, every public function code, both directions.

Decode with ``causeway.decode("modbus-tcp", data, role="response")`` (also ``modbus-rtu``,
``modbus-ascii``, ``modbus-rtu-over-tcp``); build with ``causeway.encode`` from a frame dict.
"""

from ._causeway import ModbusFrame as Frame
from ._causeway import RegisterMap

__all__ = ["Frame", "RegisterMap"]
