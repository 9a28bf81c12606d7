#!/bin/sh
# The demo: the kind of change that exposed 250 million support records,
# then the redaction that makes such an exposure worthless.
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
echo
echo "== leakguard redact examples/support-cases.ndjson (non-standard forms too)"
"$LG" redact examples/support-cases.ndjson || exit 1
echo
echo "== leakguard redact --policy examples/redact-policy.yml --stats (token mode, key from the environment)"
LEAKGUARD_KEY=$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n') \
    "$LG" redact --policy examples/redact-policy.yml --stats examples/support-cases.ndjson || exit 1
echo
echo "== leakguard redact --check: a data gate (exit 1 = personal data found)"
"$LG" redact --check examples/support-cases.ndjson
crc=$?
echo "   exit $crc"
[ $rc -eq 1 ] && [ $crc -eq 1 ] # the demo fails loudly if either is missed
