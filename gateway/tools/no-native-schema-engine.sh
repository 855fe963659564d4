#!/bin/sh
echo "Native schema engine not available offline. Use: npm run migrate -- create <name> | status" >&2
exit 1
