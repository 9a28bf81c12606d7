#!/usr/bin/env bash
# gen-moto.sh - regenerate the AWS fixtures (tests/data/aws/moto-*.json) with
# moto's EC2 mock and the real awscli, so the files have exactly the shape
# `aws ec2 describe-*` prints.  The committed fixtures are what the tests use
# (CI may lack moto); run this only to refresh them.
#
# moto hands out random ids; they are rewritten to fixed, readable ones at
# the end (canon() below) so a regeneration gives a small diff and the tests
# can name resources.  Only loopback traffic: moto listens on 127.0.0.1.
#
# Scenario (the traps the reader must get right):
#   VPC 10.0.0.0/16 (+ IPv6 block), subnets:
#     subnet a  NACL "deny90":    in 90 deny tcp 9200, 100 allow all; out allow all
#     subnet b  NACL "noreturn":  in 100 allow tcp 9200; out 110 allow 1024-65535
#                                 to 10.0.0.0/16 only (no reply to the Internet)
#     subnet c  NACL "return":    in 100 allow tcp 9200 + udp 11211;
#                                 out 100 allow tcp 1024-65535
#     subnet d  default NACL (allow all both ways, IPv4 only)
#     subnet e  NACL "443":       in allow all; out 100 allow tcp 443 (replies to
#                                 port 443 only: exposed from source port 443)
#   security groups:
#     es-open    tcp 9200 from 0.0.0.0/0            (the incident)
#     range      tcp 9000-9300 from 0.0.0.0/0
#     allproto   protocol -1 from 0.0.0.0/0
#     fullrange  tcp 0-65535 from 0.0.0.0/0
#     v6only     tcp 27017 from ::/0
#     sgref      tcp 5432 from group es-open          (not the Internet)
#     plist      tcp 6379 from a managed prefix list  (unknown without entries)
#     memcached  udp 11211 from 0.0.0.0/0
#   ENIs: a=es-open (NACL denies 9200), b=es-open (no return path),
#         c=es-open+memcached (exposed 9200; 11211 has no return path),
#         d=v6only (default NACL has no IPv6 entries -> not exposed),
#         e=es-open (exposed from source port 443 only); instance i-...1 in
#         subnet c with es-open and a public IP (exposed)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
port=${MOTO_PORT:-5055}
export AWS_ACCESS_KEY_ID=x AWS_SECRET_ACCESS_KEY=x AWS_DEFAULT_REGION=us-east-1
ec2() { aws --endpoint-url "http://127.0.0.1:$port" ec2 "$@"; }

moto_pid=
if ! curl -s "http://127.0.0.1:$port/" >/dev/null 2>&1; then
    # own process group: the pyenv shim may fork, kill the whole group
    setsid moto_server -H 127.0.0.1 -p "$port" >/dev/null 2>&1 &
    moto_pid=$!
    trap 'kill -- "-$moto_pid" 2>/dev/null || true' EXIT
    for _ in $(seq 50); do
        curl -s "http://127.0.0.1:$port/" >/dev/null 2>&1 && break
        sleep 0.2
    done
fi
# a fresh state, whatever an earlier run left behind
curl -s -X POST "http://127.0.0.1:$port/moto-api/reset" >/dev/null

q() { ec2 "$@" --output text; }
vpc=$(q create-vpc --cidr-block 10.0.0.0/16 --amazon-provided-ipv6-cidr-block --query Vpc.VpcId)
sub() { q create-subnet --vpc-id "$vpc" --cidr-block "$1" --query Subnet.SubnetId; }
sa=$(sub 10.0.1.0/24); sb=$(sub 10.0.2.0/24); sc=$(sub 10.0.3.0/24); sd=$(sub 10.0.4.0/24)
se=$(sub 10.0.5.0/24)

sg() { q create-security-group --vpc-id "$vpc" --group-name "$1" --description "$2" --query GroupId; }
ingress() { ec2 authorize-security-group-ingress --group-id "$1" --ip-permissions "$2" >/dev/null; }
g_es=$(sg es-open "elasticsearch, opened by mistake")
ingress "$g_es" '[{"IpProtocol":"tcp","FromPort":9200,"ToPort":9200,"IpRanges":[{"CidrIp":"0.0.0.0/0","Description":"temp debug"}]}]'
g_range=$(sg range "ports 9000-9300")
ingress "$g_range" '[{"IpProtocol":"tcp","FromPort":9000,"ToPort":9300,"IpRanges":[{"CidrIp":"0.0.0.0/0"}]}]'
g_all=$(sg allproto "every protocol")
ingress "$g_all" '[{"IpProtocol":"-1","IpRanges":[{"CidrIp":"0.0.0.0/0"}]}]'
g_full=$(sg fullrange "tcp 0-65535")
ingress "$g_full" '[{"IpProtocol":"tcp","FromPort":0,"ToPort":65535,"IpRanges":[{"CidrIp":"0.0.0.0/0"}]}]'
g_v6=$(sg v6only "mongodb over IPv6 only")
ingress "$g_v6" '[{"IpProtocol":"tcp","FromPort":27017,"ToPort":27017,"Ipv6Ranges":[{"CidrIpv6":"::/0"}]}]'
g_ref=$(sg sgref "postgres from es-open members")
ingress "$g_ref" "[{\"IpProtocol\":\"tcp\",\"FromPort\":5432,\"ToPort\":5432,\"UserIdGroupPairs\":[{\"GroupId\":\"$g_es\"}]}]"
pl=$(q create-managed-prefix-list --prefix-list-name office --max-entries 5 --address-family IPv4 \
      --entries Cidr=52.94.76.0/22,Description=office --query PrefixList.PrefixListId)
g_pl=$(sg plist "redis from the office prefix list")
ingress "$g_pl" "[{\"IpProtocol\":\"tcp\",\"FromPort\":6379,\"ToPort\":6379,\"PrefixListIds\":[{\"PrefixListId\":\"$pl\"}]}]"
g_udp=$(sg memcached "memcached udp")
ingress "$g_udp" '[{"IpProtocol":"udp","FromPort":11211,"ToPort":11211,"IpRanges":[{"CidrIp":"0.0.0.0/0"}]}]'

nacl() { q create-network-acl --vpc-id "$vpc" --query NetworkAcl.NetworkAclId; }
entry() { # acl number in|out allow|deny proto cidr [from to]
    local dir=--ingress; [ "$3" = out ] && dir=--egress
    local pr=(); [ $# -ge 8 ] && pr=(--port-range "From=$7,To=$8")
    ec2 create-network-acl-entry --network-acl-id "$1" --rule-number "$2" $dir \
        --rule-action "$4" --protocol "$5" --cidr-block "$6" "${pr[@]}" >/dev/null
}
associate() { # move the subnet from the default NACL to ours
    local assoc
    assoc=$(q describe-network-acls --filters "Name=association.subnet-id,Values=$1" \
        --query 'NetworkAcls[0].Associations[?SubnetId==`'"$1"'`].NetworkAclAssociationId')
    ec2 replace-network-acl-association --association-id "$assoc" --network-acl-id "$2" >/dev/null
}
a_deny=$(nacl)
entry "$a_deny" 90 in deny 6 0.0.0.0/0 9200 9200
entry "$a_deny" 100 in allow -1 0.0.0.0/0
entry "$a_deny" 100 out allow -1 0.0.0.0/0
associate "$sa" "$a_deny"
a_nort=$(nacl)
entry "$a_nort" 100 in allow 6 0.0.0.0/0 9200 9200
associate "$sb" "$a_nort"
# the reply may go back only inside the VPC: nothing reaches the Internet
entry "$a_nort" 110 out allow 6 10.0.0.0/16 1024 65535
a_ret=$(nacl)
entry "$a_ret" 100 in allow 6 0.0.0.0/0 9200 9200
entry "$a_ret" 110 in allow 17 0.0.0.0/0 11211 11211
entry "$a_ret" 100 out allow 6 0.0.0.0/0 1024 65535
associate "$sc" "$a_ret"
# replies only to port 443: a client that picks source port 443 gets in
a_443=$(nacl)
entry "$a_443" 100 in allow -1 0.0.0.0/0
entry "$a_443" 100 out allow 6 0.0.0.0/0 443 443
associate "$se" "$a_443"
a_def=$(q describe-network-acls --filters "Name=vpc-id,Values=$vpc" "Name=default,Values=true" \
        --query 'NetworkAcls[0].NetworkAclId')

eni() { q create-network-interface --subnet-id "$1" --private-ip-address "$2" --groups "${@:3}" \
          --query NetworkInterface.NetworkInterfaceId; }
e_a=$(eni "$sa" 10.0.1.10 "$g_es")
e_b=$(eni "$sb" 10.0.2.10 "$g_es")
e_c=$(eni "$sc" 10.0.3.10 "$g_es" "$g_udp")
e_d=$(eni "$sd" 10.0.4.10 "$g_v6")
e_e=$(eni "$se" 10.0.5.10 "$g_es")
# an instance (its ENI also comes from describe-network-interfaces)
ami=$(q describe-images --owners amazon --query 'Images[0].ImageId')
inst=$(q run-instances --image-id "$ami" --subnet-id "$sc" --private-ip-address 10.0.3.20 \
        --security-group-ids "$g_es" --associate-public-ip-address --count 1 \
        --instance-type t3.micro --query 'Instances[0].InstanceId')

ec2 describe-security-groups --filters "Name=vpc-id,Values=$vpc" >"$here/moto-sgs.json"
ec2 describe-network-acls --filters "Name=vpc-id,Values=$vpc" >"$here/moto-nacls.json"
ec2 describe-network-interfaces --filters "Name=vpc-id,Values=$vpc" >"$here/moto-enis.json"
ec2 describe-instances --instance-ids "$inst" >"$here/moto-instances.json"
ec2 describe-managed-prefix-lists --prefix-list-ids "$pl" >"$here/moto-prefix-lists.json"
ec2 get-managed-prefix-list-entries --prefix-list-id "$pl" >"$here/moto-entries-PL.json"

# Fixed ids: sg-...9200 is es-open and so on; whatever else looks like an
# AWS id (association ids, owner-independent) gets a sequential one.
canon() {
    python3 - "$here" "$@" <<'EOF'
import json, re, sys, os
here, pairs = sys.argv[1], sys.argv[2:]
fixed = dict(zip(pairs[0::2], pairs[1::2]))
files = ["moto-sgs.json", "moto-nacls.json", "moto-enis.json", "moto-instances.json",
         "moto-prefix-lists.json", "moto-entries-PL.json"]
seq = {}
def sub(m):
    s = m.group(0)
    if s in fixed:
        return fixed[s]
    if s not in seq:
        pre = m.group(1)
        n = sum(1 for k in seq if k.startswith(pre + "-")) + 1
        seq[s] = "%s-%s" % (pre, format(0xf00 + n, "017x"))
    return seq[s]
rx = re.compile(r"\b(vpc|subnet|sg|acl|aclassoc|eni|eni-attach|pl|r|i|ami|vol|rtb|igw|vpc-cidr-assoc|subnet-cidr-assoc)-[0-9a-f]{8,17}\b")
for f in files:
    p = os.path.join(here, f)
    t = open(p).read()
    t = rx.sub(sub, t)
    t = re.sub(r'"(MacAddress)": "[^"]*"', r'"\1": "0a:00:00:00:00:01"', t)
    t = re.sub(r'"(\d{4}-\d\d-\d\dT[0-9:.]+(Z|[+-]\d\d:\d\d)?)"', '"2024-01-01T00:00:00+00:00"', t)
    t = re.sub(r'"(AvailabilityZone)": "[^"]*"', r'"\1": "us-east-1a"', t)
    t = re.sub(r'"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"',
               '"00000000-0000-4000-8000-000000000000"', t)
    t = re.sub(r'"(PublicIp|PublicIpAddress)": "[^"]*"', r'"\1": "54.0.0.20"', t)
    t = re.sub(r'ip-\d+-\d+-\d+-\d+\.ec2\.internal', 'ip-54-0-0-20.ec2.internal', t)
    t = re.sub(r'ec2-\d+-\d+-\d+-\d+\.compute-1\.amazonaws\.com', 'ec2-54-0-0-20.compute-1.amazonaws.com', t)
    json.loads(t)
    open(p, "w").write(t)
EOF
}
canon "$vpc" vpc-00000000000000001 \
      "$sa" subnet-0000000000000000a "$sb" subnet-0000000000000000b \
      "$sc" subnet-0000000000000000c "$sd" subnet-0000000000000000d \
      "$g_es" sg-00000000000009200 "$g_range" sg-00000000000009300 \
      "$g_all" sg-000000000000000a1 "$g_full" sg-00000000000065535 \
      "$g_v6" sg-00000000000027017 "$g_ref" sg-00000000000005432 \
      "$g_pl" sg-00000000000006379 "$g_udp" sg-00000000000011211 \
      "$pl" pl-00000000000000001 \
      "$a_deny" acl-0000000000000000a "$a_nort" acl-0000000000000000b \
      "$a_ret" acl-0000000000000000c "$a_def" acl-0000000000000000d \
      "$e_a" eni-0000000000000000a "$e_b" eni-0000000000000000b \
      "$e_c" eni-0000000000000000c "$e_d" eni-0000000000000000d \
      "$se" subnet-0000000000000000e "$a_443" acl-0000000000000000e \
      "$e_e" eni-0000000000000000e "$inst" i-00000000000000001
# get-managed-prefix-list-entries does not name its list: the file name does
mv "$here/moto-entries-PL.json" "$here/moto-pl-00000000000000001-entries.json"
# everything in one document (what `jq -s add` of the exports gives)
jq -s add "$here"/moto-{sgs,nacls,enis,instances,prefix-lists}.json >"$here/moto-all.json"
echo "wrote $here/moto-*.json"
