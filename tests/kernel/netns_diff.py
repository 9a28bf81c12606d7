#!/usr/bin/env python3
"""netns_diff.py - helpers of the kernel differential test (netns-diff.sh).

  gen SEED            print a random iptables-restore filter table
  flows SEED SPORT0   print the flows to try ("tcp SRC SPORT DST DPORT")
  listen PORT...      accept and close TCP connections on 0.0.0.0:PORT
                      (in the server namespace) until killed
  probe [TIMEOUT]     read flows on stdin, try every TCP connection at once
                      from its source address and port, print one verdict
                      per flow: allow (handshake done) or deny (refused,
                      unreachable or no answer before TIMEOUT seconds)

The addresses are fixed: they exist only inside the test's namespaces.
Everything is bounded: one probe round lasts at most TIMEOUT seconds."""
import errno
import os
import random
import select
import socket
import sys
import time

SERVER = "10.231.0.1"
IFACE = "vsrv"   # server side of the veth pair, inside the server namespace
PORTS = [22, 80, 443, 3306, 5432, 6379, 9200, 27017]
SOURCES = (["10.231.0.2"] + ["10.231.0.%d" % i for i in range(10, 21)] +
           ["198.51.100.7", "203.0.113.9", "192.0.2.33"])
NETS = ["10.231.0.8/29", "10.231.0.16/28", "10.231.0.0/24", "198.51.100.0/24",
        "203.0.113.9/32", "0.0.0.0/0", "192.0.2.0/25", "10.231.0.12/30"]


def gen(seed):
    rnd = random.Random(seed)
    nuser = rnd.randint(0, 3)
    users = ["C%d" % i for i in range(nuser)]
    out = ["*filter",
           ":INPUT %s [0:0]" % rnd.choice(["ACCEPT", "DROP"]),
           ":FORWARD ACCEPT [0:0]",
           ":OUTPUT ACCEPT [0:0]"]
    out += [":%s - [0:0]" % u for u in users]
    # The model (and leakguard) judge the first packet of a connection.  A
    # generated rule such as "! --syn -j REJECT" or "--ctstate ESTABLISHED
    # -j DROP" would kill the handshake after the SYN was let in, and the
    # client would see a failure the model does not describe: so packets
    # of established connections are accepted before any generated rule.
    # SYNs are NEW and go on to the generated rules.
    out.append("-A INPUT -m conntrack --ctstate ESTABLISHED -j ACCEPT")

    def ports_expr(proto):
        k = rnd.randint(0, 9)
        if k == 0:
            return "--dport %d" % rnd.choice(PORTS)
        if k == 1:
            a = rnd.choice(PORTS)
            return "--dport %d:%d" % (a, a + rnd.choice([0, 1, 100, 5000, 30000]))
        if k == 2:
            return "! --dport %d" % rnd.choice(PORTS)
        if k == 3:
            ps = rnd.sample(PORTS, rnd.randint(1, 4))
            return "-m multiport --dports %s" % ",".join(str(p) for p in ps)
        if k == 4:
            a = rnd.choice(PORTS)
            return "-m multiport %s--dports %d:%d,%d" % (
                rnd.choice(["", "! "]), a, a + 50, rnd.choice(PORTS))
        if k == 5:
            return "-m multiport --ports %d" % rnd.choice(PORTS)
        if k == 6:
            lo = rnd.randint(20000, 22000)
            return "%s--sport %d:%d" % (rnd.choice(["", "! "]), lo, lo + rnd.randint(0, 800))
        if k == 7 and proto == "tcp":
            return rnd.choice(["--syn", "! --syn", "--tcp-flags SYN,ACK SYN",
                               "--tcp-flags FIN,SYN,RST,ACK SYN --dport %d" % rnd.choice(PORTS)])
        return ""

    def matches(in_user):
        m = []
        listed = False  # iptables refuses "!" on any address with a list
        k = rnd.random()
        if k < 0.15:
            m.append("-s " + rnd.choice(SOURCES))
        elif k < 0.3:
            net = rnd.choice(NETS)
            # the kernel refuses "! -s 0.0.0.0/0"
            m.append("%s-s %s" % (rnd.choice(["", "! "]) if net != "0.0.0.0/0" else "", net))
        elif k < 0.35:
            m.append("-s %s,%s" % (rnd.choice(SOURCES), rnd.choice(NETS)))
            listed = True
        elif k < 0.4:
            a = rnd.randint(2, 18)
            m.append("-m iprange %s--src-range 10.231.0.%d-10.231.0.%d" % (
                rnd.choice(["", "! "]), a, a + rnd.randint(0, 6)))
        k = rnd.random()
        if k < 0.1:
            m.append("-d " + rnd.choice([SERVER, "10.231.0.0/24", "10.231.0.99"]))
        elif k < 0.15 and not listed:
            m.append("! -d " + rnd.choice([SERVER, "10.231.0.99"]))
        k = rnd.random()
        proto = None
        if k < 0.7:
            proto = "tcp"
        elif k < 0.8:
            proto = "udp"
        elif k < 0.83:
            proto = "icmp"
        if proto:
            m.append("-p " + proto)
            if proto in ("tcp", "udp"):
                pe = ports_expr(proto)
                if pe and not pe.startswith("-m"):
                    m.append("-m " + proto)
                if pe:
                    m.append(pe)
        k = rnd.random()
        if k < 0.1:
            m.append("-m conntrack --ctstate NEW")
        elif k < 0.15:
            m.append("-m conntrack --ctstate RELATED,ESTABLISHED")
        elif k < 0.2:
            m.append("-m conntrack ! --ctstate NEW")
        elif k < 0.25:
            m.append("-m state --state NEW,ESTABLISHED")
        elif k < 0.28:
            m.append("-m conntrack ! --ctstate INVALID")
        k = rnd.random()
        if k < 0.05:
            m.append("-i lo")
        elif k < 0.1:
            m.append("! -i lo")
        elif k < 0.14:
            m.append("-i " + rnd.choice([IFACE, "vs+", "eth0", "veth+"]))
        elif k < 0.17:
            m.append("! -i " + rnd.choice([IFACE, "eth+"]))
        k = rnd.random()
        if k < 0.04:
            m.append("-m addrtype --dst-type " + rnd.choice(["LOCAL", "UNICAST", "BROADCAST"]))
        elif k < 0.07:
            m.append("-m pkttype --pkt-type " + rnd.choice(["unicast", "broadcast"]))
        elif k < 0.12:
            m.append("-m comment --comment \"%s\"" % rnd.choice(
                ["allow db", "keep \\\"out\\\"", "rule-%d" % rnd.randint(1, 99)]))
        return m, proto

    def target(chain_idx, proto):
        later = users[chain_idx + 1:] if chain_idx >= 0 else users
        opts = ["-j ACCEPT"] * 4 + ["-j DROP"] * 3 + ["-j REJECT"] * 2 + ["-j LOG --log-prefix \"lg \""]
        if proto == "tcp":
            opts.append("-j REJECT --reject-with tcp-reset")
        opts.append("-j RETURN")
        if later:
            opts += ["-j " + c for c in later] * 2 + ["-g " + rnd.choice(later)]
        return rnd.choice(opts)

    for ci, chain in [(-1, "INPUT")] + list(enumerate(users)):
        for _ in range(rnd.randint(1, 7 if chain == "INPUT" else 4)):
            m, proto = matches(chain != "INPUT")
            out.append(" ".join(["-A", chain] + m + [target(ci, proto)]))
    out.append("COMMIT")
    return "\n".join(out) + "\n"


def flows(seed, sport0):
    rnd = random.Random(seed * 7919 + 1)
    srcs = rnd.sample(SOURCES, 5)
    sport = sport0
    lines = []
    for s in srcs:
        for p in PORTS:
            lines.append("tcp %s %d %s %d" % (s, sport, SERVER, p))
            sport += 1
    return "\n".join(lines) + "\n"


def listen(ports):
    socks = []
    for p in ports:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("0.0.0.0", p))
        s.listen(512)
        s.setblocking(False)
        socks.append(s)
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    deadline = time.time() + 600  # never outlive the test by much
    while time.time() < deadline:
        r, _, _ = select.select(socks, [], [], 1.0)
        for s in r:
            try:
                c, _ = s.accept()
                c.close()
            except OSError:
                pass


def probe(timeout):
    fl = [l.split() for l in sys.stdin if l.strip()]
    res = ["deny"] * len(fl)
    pend = {}
    for i, f in enumerate(fl):
        _, src, sport, dst, dport = f
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.setblocking(False)
        try:
            s.bind((src, int(sport)))
        except OSError as e:
            res[i] = "error:bind:%s" % errno.errorcode.get(e.errno, e.errno)
            s.close()
            continue
        rc = s.connect_ex((dst, int(dport)))
        if rc == 0:
            res[i] = "allow"
            s.close()
        elif rc == errno.EINPROGRESS:
            pend[s.fileno()] = (i, s)
        else:
            s.close()
    deadline = time.time() + timeout
    while pend and time.time() < deadline:
        _, w, _ = select.select([], [s for _, s in pend.values()], [],
                                max(0.0, deadline - time.time()))
        for s in w:
            i, _ = pend.pop(s.fileno())
            err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            res[i] = "allow" if err == 0 else "deny"
            s.close()
    for _, s in pend.values():
        s.close()
    sys.stdout.write("".join(r + "\n" for r in res))


def main(argv):
    if len(argv) >= 2 and argv[1] == "gen":
        sys.stdout.write(gen(int(argv[2])))
    elif len(argv) >= 2 and argv[1] == "flows":
        sys.stdout.write(flows(int(argv[2]), int(argv[3])))
    elif len(argv) >= 2 and argv[1] == "listen":
        listen([int(p) for p in argv[2:]] or PORTS)
    elif len(argv) >= 2 and argv[1] == "probe":
        probe(float(argv[2]) if len(argv) > 2 else 1.5)
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
