; The whole standard library: (import std) imports every std/ module (docs/STDLIB.md).
(import std/util std/filters std/osc std/env std/fx std/tables)
