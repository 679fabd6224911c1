#!/usr/bin/env python3
"""Generate a synthetic cluster for the network benchmark: W workloads in W/20 namespaces and P
NetworkPolicies (a default deny per namespace, then allow rules mixing podSelector,
namespaceSelector AND pairs, matchExpressions, ipBlocks with except, named ports and port
ranges). Deterministic for given arguments.

usage: gen_netpol_cluster.py WORKLOADS POLICIES > cluster.yaml
"""
import random
import sys

W = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
P = int(sys.argv[2]) if len(sys.argv) > 2 else 500
rnd = random.Random(7)
nns = max(1, W // 20)
out = []
for n in range(nns):
    out.append(f'''---
apiVersion: v1
kind: Namespace
metadata: {{name: ns{n}, labels: {{team: t{n % 7}, env: {"prod" if n % 3 else "dev"}}}}}''')
for i in range(W):
    ns = i % nns
    out.append(f'''---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: app{i}, namespace: ns{ns}}}
spec:
  template:
    metadata: {{labels: {{app: app{i}, tier: t{i % 5}, role: r{i % 11}}}}}
    spec:
      containers:
      - name: c
        image: registry.example/app{i}@sha256:{"0" * 64}
        ports: [{{name: http, containerPort: {8000 + i % 50}}}, {{name: metrics, containerPort: 9090}}]''')
npol = 0
for n in range(nns):
    if npol >= P:
        break
    out.append(f'''---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {{name: default-deny, namespace: ns{n}}}
spec:
  podSelector: {{}}
  policyTypes: [Ingress, Egress]''')
    npol += 1
while npol < P:
    n = rnd.randrange(nns)
    tier = rnd.randrange(5)
    kind = npol % 4
    if kind == 0:
        body = f'''  ingress:
  - from:
    - namespaceSelector: {{matchLabels: {{team: t{rnd.randrange(7)}}}}}
      podSelector: {{matchLabels: {{role: r{rnd.randrange(11)}}}}}
    - podSelector: {{matchExpressions: [{{key: tier, operator: In, values: [t{rnd.randrange(5)}, t{rnd.randrange(5)}]}}]}}
    ports: [{{port: http}}, {{port: 9090}}]'''
        types = '[Ingress]'
    elif kind == 1:
        a = rnd.randrange(1, 200)
        body = f'''  egress:
  - to:
    - ipBlock: {{cidr: 10.{a}.0.0/16, except: [10.{a}.{rnd.randrange(256)}.0/24]}}
    - ipBlock: {{cidr: 0.0.0.0/0, except: [169.254.169.254/32, 100.100.100.200/32, 10.0.0.0/8]}}
    ports: [{{port: 443}}, {{port: 8000, endPort: 8100}}]
  - to:
    - namespaceSelector: {{matchLabels: {{kubernetes.io/metadata.name: kube-system}}}}
      podSelector: {{matchLabels: {{k8s-app: kube-dns}}}}
    ports: [{{port: 53, protocol: UDP}}, {{port: 53, protocol: TCP}}]'''
        types = '[Egress]'
    elif kind == 2:
        body = f'''  egress:
  - to:
    - namespaceSelector: {{matchExpressions: [{{key: env, operator: NotIn, values: [dev]}}]}}
      podSelector: {{matchLabels: {{tier: t{rnd.randrange(5)}}}}}
    ports: [{{port: http}}]'''
        types = '[Egress]'
    else:
        body = f'''  ingress:
  - from:
    - ipBlock: {{cidr: 172.{16 + rnd.randrange(16)}.0.0/12}}
    - namespaceSelector: {{matchLabels: {{env: prod}}}}
    ports: [{{port: metrics}}, {{protocol: UDP, port: 5353}}]'''
        types = '[Ingress]'
    out.append(f'''---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {{name: p{npol}, namespace: ns{n}}}
spec:
  podSelector: {{matchLabels: {{tier: t{tier}}}}}
  policyTypes: {types}
{body}''')
    npol += 1
print('\n'.join(out))
