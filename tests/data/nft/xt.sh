#!/bin/sh
# Source of xt.json: iptables-nft rules that nft can only show as "xt"
# compat blobs (loaded in a scratch network namespace).
iptables-nft -P INPUT DROP
iptables-nft -A INPUT -p tcp --dport 22 -j ACCEPT
iptables-nft -A INPUT -p tcp --dport 9200 -m string --string "GET" --algo bm -j ACCEPT
iptables-nft -A INPUT -p tcp -m multiport --dports 5601,6379 -j ACCEPT
