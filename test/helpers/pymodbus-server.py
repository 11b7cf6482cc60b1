#!/usr/bin/python3
# A Modbus TCP server built on Debian's pymodbus (3.0), an implementation independent of
# dtuhub, for the channel's interoperability tests (started by test/helpers/pymodbus.ts).
#
# stdin, first line: the datastore as JSON,
#   {"units": {"1": {"hr": {"2000": [253, ...]}, "ir": {...}, "co": {"10": [1, 0]}, "di": {...}}}}
# (tables by unit id, each a map of start address → values; only the addresses given
# exist, so a read that touches any other is answered with exception 02).
# stdout: one line {"ready": true, "port": N, "version": "..."} once listening on 127.0.0.1.
# The server exits when stdin closes, so it never outlives the test that started it.
import asyncio
import json
import logging
import sys

try:
    from pymodbus.datastore import ModbusServerContext, ModbusSlaveContext, ModbusSparseDataBlock
    from pymodbus.server.async_io import ModbusTcpServer
    from pymodbus.version import version
except ImportError as exc:  # the helper turns this line into a test failure
    print(json.dumps({"ready": False, "error": f"pymodbus is not importable: {exc}"}), flush=True)
    sys.exit(3)

TABLES = ("hr", "ir", "co", "di")


def block(spec):
    values = {}
    for start, items in (spec or {}).items():
        for i, item in enumerate(items):
            values[int(start) + i] = int(item)
    return ModbusSparseDataBlock(values)


def context(units):
    slaves = {}
    for unit, tables in units.items():
        unknown = set(tables) - set(TABLES)
        if unknown:
            raise ValueError(f"unit {unit}: unknown tables {sorted(unknown)}")
        # zero_mode: addresses as on the wire, without pymodbus's default +1.
        slaves[int(unit)] = ModbusSlaveContext(zero_mode=True, **{name: block(tables.get(name)) for name in TABLES})
    return ModbusServerContext(slaves=slaves, single=False)


async def main():
    spec = json.loads(sys.stdin.readline())
    server = ModbusTcpServer(context(spec["units"]), address=("127.0.0.1", 0))
    serving = asyncio.create_task(server.serve_forever())
    await server.serving
    port = server.server.sockets[0].getsockname()[1]
    print(json.dumps({"ready": True, "port": port, "version": version.short()}), flush=True)
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, sys.stdin.read)
    await server.server_close()
    serving.cancel()


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    asyncio.run(main())
