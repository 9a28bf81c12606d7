#!/bin/sh
# The demo: the kind of change that exposed 250 million support records.
# nsg-before.json is the Elasticsearch cluster's NSG as it was; in
# nsg-after.json a "temporary" vendor rule with ports 9000-9400 sits above
# the Internet deny.  audit --baseline names the change the moment the rules
# are exported.
set -u
cd "$(dirname "$0")/.."
LG=${LEAKGUARD:-build/leakguard}
echo "== leakguard audit examples/nsg-before.json (the NSG before the change)"
"$LG" audit examples/nsg-before.json
echo "   exit $?"
echo
echo "== leakguard audit --baseline examples/nsg-before.json examples/nsg-after.json"
"$LG" audit --baseline examples/nsg-before.json examples/nsg-after.json
rc=$?
echo "   exit $rc (1 = something new is exposed: a CI gate or watch would alert now)"
echo
echo "== which rule decides a packet from the Internet to 9200?"
printf 'tcp 52.1.2.3 40000 10.20.2.5 9200\ntcp 10.20.0.7 40000 10.20.2.5 9200\n' |
    "$LG" flow examples/nsg-after.json
[ $rc -eq 1 ] # the demo fails loudly if the change is not caught
