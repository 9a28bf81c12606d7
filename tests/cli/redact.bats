#!/usr/bin/env bats
# redact.bats - `leakguard redact` through the real binary: every format,
# every mode, the byte-identity and never-lose-a-record guarantees, keys,
# policies, errors and exit codes.  Fixtures: tests/data/redact/.
bats_require_minimum_version 1.5.0

LEAKGUARD=${LEAKGUARD:-$BATS_TEST_DIRNAME/../../build/leakguard}
D=$BATS_TEST_DIRNAME/../data/redact
KEY=8f1c2a9b7d3e4f5061728394a5b6c7d8e9f00112233445566778899aabbccdd0

red() { run --separate-stderr "$LEAKGUARD" redact "$@"; }

@test "redact: nothing found -> byte-identical (CRLF, invalid UTF-8, no final newline)" {
    "$LEAKGUARD" redact "$D/clean.txt" >"$BATS_TEST_TMPDIR/out"
    cmp "$D/clean.txt" "$BATS_TEST_TMPDIR/out"
    "$LEAKGUARD" redact --format ndjson "$D/clean.txt" 2>/dev/null >"$BATS_TEST_TMPDIR/out2"
    cmp "$D/clean.txt" "$BATS_TEST_TMPDIR/out2"
}

@test "redact: text transcript, standard and non-standard forms" {
    red "$D/transcript.txt"
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = "Customer: <PERSON>" ]
    [ "${lines[1]}" = "Hi, my email is <EMAIL> and my phone is <PHONE>." ]
    [ "${lines[2]}" = "Agent: thanks, I also see <EMAIL> on the account; the card ends <CREDIT_CARD>." ]
    [ "${lines[3]}" = "Server <IP_ADDRESS> answered on port 9200, build 10.0.19041.1415." ]
    [ "${lines[4]}" = "my password is <SECRET> and the key <SECRET>" ]
}

@test "redact: findings name record, field, offsets and type, never the value" {
    red --findings "$BATS_TEST_TMPDIR/f.jsonl" "$D/transcript.txt"
    [ "$status" -eq 0 ]
    run jq -c 'select(.record == 2)' "$BATS_TEST_TMPDIR/f.jsonl"
    [ "${lines[0]}" = '{"record":2,"field":null,"start":16,"end":42,"type":"EMAIL"}' ]
    [ "${lines[1]}" = '{"record":2,"field":null,"start":59,"end":76,"type":"PHONE"}' ]
    ! grep -q -i 'contoso\|garcia\|4111\|Hunter' "$BATS_TEST_TMPDIR/f.jsonl"
}

@test "redact: ndjson - escapes decoded, nested values, numbers, non-JSON and empty lines, CRLF" {
    red --findings "$BATS_TEST_TMPDIR/f.jsonl" "$D/cases.ndjson"
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = '{"case_id":"CAS-01234","customer_email":"<EMAIL>","body":"call <PHONE>","internal_notes":"confidential: escalate","agent":"<PERSON>"}' ]
    [ "${lines[1]}" = '{"case_id":"CAS-01235","nested":{"ips":["<IP_ADDRESS>","<IP_ADDRESS>"],"deep":{"ssn":"<US_SSN>"}},"n":"<CREDIT_CARD>","phone":"<PHONE>"}' ]
    [ "${lines[2]}" = 'this line is not JSON: mail <EMAIL>' ]
    [[ "$stderr" == *"record 3: not valid JSON at byte 0"*"redacted as text"* ]]
    # same number of lines, CRLF and the missing final newline kept
    [ "$("$LEAKGUARD" redact "$D/cases.ndjson" 2>/dev/null | wc -l)" -eq "$(wc -l <"$D/cases.ndjson")" ]
    "$LEAKGUARD" redact "$D/cases.ndjson" 2>/dev/null | od -c | grep -q '\\r  \\n'
    [ "$(tail -c 1 "$D/cases.ndjson" | od -An -c | tr -d ' ')" = "}" ]
    [ "$("$LEAKGUARD" redact "$D/cases.ndjson" 2>/dev/null | tail -c 1 | od -An -c | tr -d ' ')" = "}" ]
    grep -q '"field":"/customer_email","start":0,"end":16,"type":"EMAIL"' "$BATS_TEST_TMPDIR/f.jsonl"
    grep -q '"field":"/nested/deep/ssn"' "$BATS_TEST_TMPDIR/f.jsonl"
    grep -q '"field":"/nested/ips/1"' "$BATS_TEST_TMPDIR/f.jsonl"
}

@test "redact: policy - field drop, confidential objects, own domains, custom type, keep" {
    red --policy "$D/policy.yml" "$D/cases.ndjson"
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = '{"case_id":"CAS-01234","customer_email":"<AGENT_EMAIL>","body":"call <PHONE>","agent":"<PERSON>"}' ]
    [ "${lines[3]}" = $'{}\r' ]  # bats drops the empty line; CRLF kept
    printf 'case CAS-12345 from help@fabrikam.com and bob@contoso.com see https://x.example.com/a\n' |
        "$LEAKGUARD" redact --policy "$D/policy.yml" >"$BATS_TEST_TMPDIR/o"
    [ "$(cat "$BATS_TEST_TMPDIR/o")" = 'case <CASE_NUMBER> from help@fabrikam.com and <AGENT_EMAIL> see https://x.example.com/a' ]
}

@test "redact: csv - quoted commas, newlines and doubled quotes; column hints" {
    red "$D/cases.csv"
    [ "$status" -eq 0 ]
    [ "$output" = "$(printf 'case_id,customer,email,notes,phone\r\nCAS-1,<PERSON>,<EMAIL>,"said ""hi"", then wrote\n<EMAIL>",<PHONE>\r\nCAS-2,"<PERSON>",none,"order 4748 2674 shipped",n/a\r')" ]
    # a row with an unclosed quote is redacted as text, not passed raw
    printf 'a,b\n1,"x jane@contoso.com\n' | "$LEAKGUARD" redact --format csv >"$BATS_TEST_TMPDIR/o" 2>"$BATS_TEST_TMPDIR/e"
    [ "$(sed -n 2p "$BATS_TEST_TMPDIR/o")" = '1,"x <EMAIL>' ]
    grep -q 'record 2: not a valid CSV row' "$BATS_TEST_TMPDIR/e"
}

@test "redact: es-bulk - action lines untouched, sources redacted, delete has none" {
    red "$D/bulk.ndjson"
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = '{"index":{"_index":"cases","_id":"1"}}' ]
    [ "${lines[1]}" = '{"body":"mail <EMAIL>"}' ]
    [ "${lines[2]}" = '{"delete":{"_index":"cases","_id":"2"}}' ]
    [ "${lines[3]}" = '{"create":{"_index":"cases","_id":"3"}}' ]
    [ "${lines[4]}" = '{"body":"from <IP_ADDRESS>"}' ]
    [ "${lines[5]}" = '{"update":{"_index":"cases","_id":"4"}}' ]
    [ "${lines[6]}" = '{"doc":{"phone":"<PHONE>"}}' ]
    # an action whose _id is an email still passes untouched
    printf '{"index":{"_id":"jane@contoso.com"}}\n{"a":"jane@contoso.com"}\n' |
        "$LEAKGUARD" redact --format es-bulk >"$BATS_TEST_TMPDIR/o"
    [ "$(head -1 "$BATS_TEST_TMPDIR/o")" = '{"index":{"_id":"jane@contoso.com"}}' ]
    [ "$(tail -1 "$BATS_TEST_TMPDIR/o")" = '{"a":"<EMAIL>"}' ]
}

@test "redact: modes - partial, drop" {
    out=$(printf 'jane.doe@contoso.com 123-45-6789 4111 1111 1111 1111\n' | "$LEAKGUARD" redact --mode partial)
    [ "$out" = 'j***@contoso.com ***-**-6789 **** **** **** 1111' ]
    out=$(printf '{"a":1,"email":"jane@contoso.com"}\nmail jane@contoso.com now\n' | "$LEAKGUARD" redact --mode drop 2>/dev/null)
    [ "$out" = $'{"a":1}\nmail jane@contoso.com now' ] || [ "$out" = $'{"a":1}\nmail  now' ]
}

@test "redact: token - keyed, stable across forms, files and runs; key from file or env only" {
    a=$(printf 'Jane.Doe @ Contoso.com\n' | "$LEAKGUARD" redact --mode token --key-file "$D/key.hex")
    b=$(printf 'jane.doe@contoso.com\n' | LEAKGUARD_KEY=$KEY "$LEAKGUARD" redact --mode token)
    [ "$a" = "$b" ]
    [[ "$a" =~ ^\<EMAIL:[0-9a-f]{8}\>$ ]]
    c=$(printf 'jane.doe@contoso.com\n' | LEAKGUARD_KEY=${KEY%0}1 "$LEAKGUARD" redact --mode token)
    [ "$a" != "$c" ]
    red --mode token "$D/clean.txt"
    [ "$status" -eq 2 ]
    [[ "$stderr" == *"needs a key"* ]]
    red --mode token --key-file "$D/weak.key" "$D/clean.txt"
    [ "$status" -eq 2 ]
    [[ "$stderr" == *"weak.key: weak key"* ]]
    red --mode token --key "$KEY" "$D/clean.txt"
    [ "$status" -eq 2 ]
}

@test "redact: --check is a data gate, --stats counts distinct values" {
    red --check "$D/clean.txt"
    [ "$status" -eq 0 ]
    red --check "$D/transcript.txt"
    [ "$status" -eq 1 ]
    [[ "$output" == *"5 records, 5 with findings, 0 malformed"* ]]
    printf 'a jane@contoso.com\nb Jane @ contoso.com\nc bob@contoso.com\n' >"$BATS_TEST_TMPDIR/in"
    red --stats "$BATS_TEST_TMPDIR/in"
    [ "$status" -eq 0 ]
    [[ "$stderr" == *"EMAIL                 3 found, 2 distinct"* ]]
    [[ "$stderr" == *"MB/s"* ]]
    ! grep -q contoso <<<"$stderr"
}

@test "redact: -o writes through a temporary file; errors exit 2 and name the file" {
    red -o "$BATS_TEST_TMPDIR/out.txt" "$D/transcript.txt"
    [ "$status" -eq 0 ]
    [ "$(wc -l <"$BATS_TEST_TMPDIR/out.txt")" -eq 5 ]
    [ -z "$(ls "$BATS_TEST_TMPDIR" | grep '\.tmp\.')" ]
    red -o "$BATS_TEST_TMPDIR/none.txt" "$D/transcript.txt" "$D/missing.txt"
    [ "$status" -eq 2 ]
    [[ "$stderr" == *"missing.txt: No such file or directory"* ]]
    [ ! -e "$BATS_TEST_TMPDIR/none.txt" ]
    red --policy "$D/bad-policy.yml" "$D/clean.txt"
    [ "$status" -eq 2 ]
    [[ "$stderr" == *"bad-policy.yml:2:10:"*"keep|drop|mask|partial|token"* ]]
    red --format yaml "$D/clean.txt"
    [ "$status" -eq 2 ]
}

@test "redact: a multi-MB record, tiny batches and 2 threads give the same bytes" {
    python3 - "$BATS_TEST_TMPDIR" <<'PY'
import json, sys, random
random.seed(7)
d = sys.argv[1]
big = " ".join("word%d" % i for i in range(600000)) + " mail jane@contoso.com end"
with open(d + "/in.ndjson", "w") as f:
    f.write(json.dumps({"body": big}) + "\n")
    for i in range(3000):
        f.write(json.dumps({"i": i, "t": "call +1 425 555 %04d or x%d@example.com, build 10.0.19041.%d" % (i, i, i)}) + "\n")
        if i % 7 == 0:
            f.write("not json %d\n" % i)
        if i % 11 == 0:
            f.write("\n")
PY
    "$LEAKGUARD" redact "$BATS_TEST_TMPDIR/in.ndjson" >"$BATS_TEST_TMPDIR/a" 2>/dev/null
    LG_BATCH_BYTES=4096 "$LEAKGUARD" redact --threads 2 "$BATS_TEST_TMPDIR/in.ndjson" >"$BATS_TEST_TMPDIR/b" 2>/dev/null
    LG_BATCH_BYTES=100 "$LEAKGUARD" redact --threads 3 "$BATS_TEST_TMPDIR/in.ndjson" >"$BATS_TEST_TMPDIR/c" 2>/dev/null
    cmp "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/b"
    cmp "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/c"
    [ "$(wc -l <"$BATS_TEST_TMPDIR/a")" -eq "$(wc -l <"$BATS_TEST_TMPDIR/in.ndjson")" ]
    head -c 200 "$BATS_TEST_TMPDIR/a" | grep -q '^{"body": "word0 word1'
    head -1 "$BATS_TEST_TMPDIR/a" | grep -q 'mail <EMAIL> end"}$'
    ! grep -q 'example.com' "$BATS_TEST_TMPDIR/a"
    grep -q 'build 10.0.19041.2999' "$BATS_TEST_TMPDIR/a"
}

@test "redact: -o onto a pipe or device writes into it and never replaces it (regression)" {
    # renaming the temporary file over -o /dev/null once turned /dev/null
    # into a regular file; a FIFO stands in for the device here
    mkfifo "$BATS_TEST_TMPDIR/fifo"
    timeout 20 cat "$BATS_TEST_TMPDIR/fifo" >"$BATS_TEST_TMPDIR/got" &
    "$LEAKGUARD" redact -o "$BATS_TEST_TMPDIR/fifo" "$D/transcript.txt"
    wait
    [ -p "$BATS_TEST_TMPDIR/fifo" ]
    [ "$(wc -l <"$BATS_TEST_TMPDIR/got")" -eq 5 ]
    grep -q '<EMAIL>' "$BATS_TEST_TMPDIR/got"
    [ -z "$(ls "$BATS_TEST_TMPDIR" | grep '\.tmp\.')" ]
}

@test "redact: the engine library embeds in another C program (examples/embed.c)" {
    B=$BATS_TEST_DIRNAME/../../${LG_BUILD:-build}
    [ -f "$B/libleakguard-redact.a" ]
    cc=cc flags=""
    case "$B" in *asan*) cc=clang flags="-fsanitize=address,undefined" ;; esac
    $cc -std=c11 $flags -I"$BATS_TEST_DIRNAME/../../src" -o "$BATS_TEST_TMPDIR/embed" \
        "$BATS_TEST_DIRNAME/../../examples/embed.c" "$B/libleakguard-redact.a" \
        -lhs -lyaml -lsodium -lm
    run "$BATS_TEST_TMPDIR/embed" 'call +1 (425) 555-0100 or jane[at]contoso[dot]com'
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = "PHONE 5-22" ]
    [ "${lines[1]}" = "EMAIL 26-49" ]
}

@test "redact: values the policy keeps stay byte for byte, yet --check still sees them (regression)" {
    printf 'actions:\n  AGENT_EMAIL: keep\n  CREDIT_CARD: keep\nown_domains: [contoso.com]\n' >"$BATS_TEST_TMPDIR/keep.yml"
    printf '{"a":"see http:\\/\\/x agent@contoso.com \\u00e9","n":4111111111111111}\nagent@contoso.com wrote\n' >"$BATS_TEST_TMPDIR/in"
    "$LEAKGUARD" redact --format ndjson --policy "$BATS_TEST_TMPDIR/keep.yml" "$BATS_TEST_TMPDIR/in" \
        >"$BATS_TEST_TMPDIR/out" 2>/dev/null
    cmp "$BATS_TEST_TMPDIR/in" "$BATS_TEST_TMPDIR/out"
    red --check --policy "$BATS_TEST_TMPDIR/keep.yml" "$BATS_TEST_TMPDIR/in"
    [ "$status" -eq 1 ]
    [[ "$output" == *"2 records, 2 with findings"* ]]
    [[ "$output" == *"AGENT_EMAIL           2 found"* ]]
    [[ "$output" == *"CREDIT_CARD           1 found"* ]]
}

@test "redact: a context word in the previous record does not make bare digits a phone (regression)" {
    out=$(printf 'please call me\n4255550100\ncall 4255550100\n' | "$LEAKGUARD" redact)
    [ "$out" = $'please call me\n4255550100\ncall <PHONE>' ]
}

@test "redact: key hints still decide when a field takes the record scan's result" {
    # a field whose key hint can change nothing (no weak digit group in it,
    # not the shape of the hint's whole-value type) reuses the record scan;
    # here each hint matters, or a neighbour's key ("phone") would be the
    # context word of a weak digit group ("ssn")
    long="Thanks for the details, I have escalated the case to the second tier team; write to jane.doe@example.com or call 4255550100."
    printf '{"order_id":"call 4255550100","note":"call 4255550100"}\n{"phone":"4255550100","ref":"4255550100","ssn":"078051120","tin":"536224321"}\n{"agent":"Jane Smith","agent_reply":"%s"}\n' "$long" >"$BATS_TEST_TMPDIR/in"
    want1='{"order_id":"call 4255550100","note":"call <PHONE>"}'
    want2='{"phone":"<PHONE>","ref":"4255550100","ssn":"078051120","tin":"<US_SSN>"}'
    want3='{"agent":"<PERSON>","agent_reply":"Thanks for the details, I have escalated the case to the second tier team; write to <EMAIL> or call <PHONE>."}'
    for bytes in "" 1; do
        out=$(LG_BATCH_BYTES=$bytes "$LEAKGUARD" redact --format ndjson "$BATS_TEST_TMPDIR/in")
        [ "$out" = "$want1"$'\n'"$want2"$'\n'"$want3" ]
    done
    printf 'order_id,note,phone,agent\ncall 4255550100,call 4255550100,4255550100,Jane Smith\n' >"$BATS_TEST_TMPDIR/in.csv"
    out=$("$LEAKGUARD" redact --format csv "$BATS_TEST_TMPDIR/in.csv")
    [ "$out" = $'order_id,note,phone,agent\ncall 4255550100,call <PHONE>,<PHONE>,<PERSON>' ]
}

@test "redact: read and write errors name the cause and exit 2, on one thread or several" {
    for t in 1 2 3; do
        run --separate-stderr "$LEAKGUARD" redact --threads "$t" "$BATS_TEST_TMPDIR"
        [ "$status" -eq 2 ]
        [[ "$stderr" == *"$BATS_TEST_TMPDIR: read error: Is a directory"* ]]
        if [ -w /dev/full ]; then
            run --separate-stderr bash -c '"$0" redact --threads "$1" "$2" >/dev/full' \
                "$LEAKGUARD" "$t" "$D/cases.ndjson"
            [ "$status" -eq 2 ]
            [[ "$stderr" == *"write error: No space left on device"* ]]
        fi
    done
}

@test "redact: a date of birth after its name or under its key; one token for one date however written; other dates kept" {
    printf '%s\n' '{"dob":"1985-04-12","note":"DOB: 12 April 1985, opened 2024-04-12","created":"2024-04-12"}' \
        '{"date_of_birth":"04/12/1985","birthDate":"unknown","note":"I was born on April 12, 1985"}' >"$BATS_TEST_TMPDIR/in.ndjson"
    run --separate-stderr env LEAKGUARD_KEY=4f4c3d1a6b7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a \
        "$LEAKGUARD" redact --mode token --stats "$BATS_TEST_TMPDIR/in.ndjson"
    [ "$status" -eq 0 ]
    t=$(sed -E 's/^\{"dob":"<DATE_OF_BIRTH:([0-9a-f]{8})>".*/\1/' <<<"${lines[0]}")
    u=$(sed -E 's/^\{"date_of_birth":"<DATE_OF_BIRTH:([0-9a-f]{8})>".*/\1/' <<<"${lines[1]}")
    [ "${lines[0]}" = "{\"dob\":\"<DATE_OF_BIRTH:$t>\",\"note\":\"DOB: <DATE_OF_BIRTH:$t>, opened 2024-04-12\",\"created\":\"2024-04-12\"}" ]
    [ "${lines[1]}" = "{\"date_of_birth\":\"<DATE_OF_BIRTH:$u>\",\"birthDate\":\"unknown\",\"note\":\"I was born on <DATE_OF_BIRTH:$t>\"}" ]
    # 1985-04-12, 12 April 1985 and April 12, 1985 are one date; 04/12/1985
    # (April or December) another
    [ "$t" != "$u" ]
    [[ "$stderr" == *"DATE_OF_BIRTH          4 found, 2 distinct"* ]]
}
