#!/usr/bin/env python3
"""Writes the failing and passing fixture of every NP rule (NP-XXX/fail*/, NP-XXX/pass/).

The fixtures are committed; rerun this after changing it and review the diff.
"""
import os

AG = {'bulkhead.dev/agent': 'true'}
DNS = '''- to:
  - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}
    podSelector: {matchLabels: {k8s-app: kube-dns}}
  ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]
'''


def dep(name, ns='default', labels=None, ports=(8080,), ann=None):
    labels = labels or {'app': name}
    lab = ', '.join(f'{k}: {v}' for k, v in labels.items())
    meta = '{labels: {%s}}' % lab
    if ann:
        anns = ', '.join(f'"{k}": "{v}"' for k, v in ann.items())
        meta = '{labels: {%s}, annotations: {%s}}' % (lab, anns)
    pl = ', '.join(f'{{containerPort: {p}}}' for p in ports)
    return f'''---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: {name}, namespace: {ns}}}
spec:
  template:
    metadata: {meta}
    spec:
      containers: [{{name: {name}, image: {name}, ports: [{pl}]}}]
'''


def deny(ns='default', types='[Ingress, Egress]'):
    return f'''---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {{name: default-deny, namespace: {ns}}}
spec:
  podSelector: {{}}
  policyTypes: {types}
'''


def pol(name, ns, sel, body, types='[Ingress, Egress]'):
    body = ''.join('  ' + line + '\n' for line in body.rstrip('\n').split('\n'))
    return f'''---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {{name: {name}, namespace: {ns}}}
spec:
  podSelector: {{matchLabels: {{{sel}}}}}
  policyTypes: {types}
{body}'''


def pa(mode):
    return f'''---
apiVersion: security.istio.io/v1beta1
kind: PeerAuthentication
metadata: {{name: default, namespace: ai}}
spec:
  mtls: {{mode: {mode}}}
'''


CNP = '''---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: bot-fqdn, namespace: ai}
spec:
  endpointSelector: {matchLabels: {app: bot}}
  egress:
  - toFQDNs:
    - matchName: api.openai.com
'''
BOT = dep('bot', ns='ai', ann=AG)
HOSTNET = '''---
apiVersion: v1
kind: Pod
metadata: {name: web, labels: {app: web}}
spec:
  hostNetwork: true
  containers: [{name: web, image: web, ports: [{containerPort: 8080}]}]
'''
SVC = '''---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
'''
CLS = (dep('coder', ns='ai', labels={'app': 'coder', 'bulkhead.dev/agent-class': 'coder'}) +
       dep('browser', ns='ai', labels={'app': 'browser', 'bulkhead.dev/agent-class': 'browser'}))
cases = {
    'NP-001': (dep('web'), dep('web') + deny(types='[Ingress]')),
    'NP-002': (dep('web') + deny(types='[Ingress]'), dep('web') + deny(types='[Egress]')),
    'NP-003': (BOT + pol('bot-egress', 'ai', 'app: bot', 'egress:\n- to:\n  - ipBlock: {cidr: 0.0.0.0/0, except: [169.254.169.254/32, 100.100.100.200/32]}\n' + DNS),
               BOT + pol('bot-egress', 'ai', 'app: bot', 'egress:\n- to:\n  - ipBlock: {cidr: 203.0.113.0/24}\n  ports: [{port: 443}]\n' + DNS)),
    'NP-004': (dep('web') + pol('web-egress', 'default', 'app: web', 'egress:\n- to:\n  - ipBlock: {cidr: 0.0.0.0/0}\n  ports: [{port: 80}]\n' + DNS),
               dep('web') + pol('web-egress', 'default', 'app: web', 'egress:\n- to:\n  - ipBlock: {cidr: 0.0.0.0/0, except: [169.254.169.254/32, 100.100.100.200/32]}\n  ports: [{port: 80}]\n' + DNS)),
    'NP-005': (dep('web') + pol('web-egress', 'default', 'app: web', 'egress:\n- ports: [{port: 53, protocol: UDP}]\n'),
               dep('web') + pol('web-egress', 'default', 'app: web', 'egress:\n' + DNS)),
    'NP-006': (dep('web') + dep('db') + pol('web-egress', 'default', 'app: web', 'egress:\n- to: [{podSelector: {matchLabels: {app: db}}}]\n'),
               dep('web') + dep('db') + pol('web-egress', 'default', 'app: web', 'egress:\n- to: [{podSelector: {matchLabels: {app: db}}}]\n' + DNS)),
    'NP-007': (BOT + pol('bot-in', 'ai', 'app: bot', 'ingress:\n- from: [{namespaceSelector: {}}]\n', '[Ingress]'),
               BOT + dep('orchestrator', ns='ai') + pol('bot-in', 'ai', 'app: bot', 'ingress:\n- from: [{podSelector: {matchLabels: {app: orchestrator}}}]\n  ports: [{port: 8080}]\n', '[Ingress]')),
    'NP-008': (CLS, CLS + deny('ai', '[Ingress]')),
    'NP-009': (dep('web') + pol('web-in', 'default', 'app: nope', 'ingress:\n- ports: [{port: 8080}]\n', '[Ingress]'),
               dep('web') + pol('web-in', 'default', 'app: web', 'ingress:\n- ports: [{port: 8080}]\n', '[Ingress]')),
    'NP-010': (dep('web') + pol('web-in', 'default', 'app: web', 'ingress:\n- ports: [{port: 80}]\n', '[Ingress]'),
               dep('web') + pol('web-in', 'default', 'app: web', 'ingress:\n- ports: [{port: 8080}]\n', '[Ingress]')),
    'NP-011': (BOT + pa('PERMISSIVE'), BOT + pa('STRICT')),
    'NP-012': (BOT + CNP, BOT),
    'NP-013': (dep('web') + pol('web-egress', 'default', 'app: web', 'egress:\n- to:\n  - ipBlock: {cidr: 10.0.0.0/16, except: [10.1.0.0/24]}\n'),
               dep('web') + pol('web-egress', 'default', 'app: web', 'egress:\n- to:\n  - ipBlock: {cidr: 10.0.0.0/16, except: [10.0.1.0/24]}\n')),
    'NP-014': (dep('web') + pol('web', 'default', 'app: web', 'ingress: [{}]\negress:\n- ports: [{port: 443}]\n', '[Ingress]'),
               dep('web') + pol('web', 'default', 'app: web', 'ingress: [{}]\negress:\n- ports: [{port: 443}]\n')),
    'NP-015': (HOSTNET + pol('web-in', 'default', 'app: web', 'ingress:\n- ports: [{port: 8080}]\n', '[Ingress]'),
               HOSTNET),
    'NP-016': (dep('web') + pol('web-egress', 'default', 'app: web', 'egress:\n- to:\n  - ipBlock: {cidr: 10.96.0.10/32}\n  ports: [{port: 53, protocol: UDP}]\n'),
               dep('web') + pol('web-egress', 'default', 'app: web', 'egress:\n- to:\n  - ipBlock: {cidr: 203.0.113.0/24}\n  ports: [{port: 443}]\n')),
    'NP-017': (dep('web') + pol('web-egress', 'default', 'app: web', 'egress:\n- ports: [{port: 443}]\n', '[]'),
               dep('web') + pol('web-egress', 'default', 'app: web', 'egress:\n- ports: [{port: 443}]\n', '[Egress]')),
}


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        f.write(text)


here = os.path.dirname(os.path.abspath(__file__))
for rid, (fail, ok) in cases.items():
    for kind, text in (('fail', fail), ('pass', ok)):
        verb = 'report' if kind == 'fail' else 'not report'
        write(f'{here}/{rid}/{kind}/manifests.yaml',
              f'# {rid} {kind}ing fixture: bulkhead scan must {verb} {rid} here.\n' + text)
write(f'{here}/NP-010/fail-service/manifests.yaml',
      '# NP-010 failing fixture: the rule names the Service port, not the targetPort.\n' +
      dep('web') + SVC + pol('web-in', 'default', 'app: web', 'ingress:\n- ports: [{port: 80}]\n', '[Ingress]'))
CNP_WORLD = '''---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: web-egress, namespace: default}
spec:
  endpointSelector: {matchLabels: {app: web}}
  egress:
  - toEntities: [world]
    toPorts: [{ports: [{port: "443", protocol: TCP}]}]
'''
CNP_DENY_ALL = '''---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: default-deny, namespace: default}
spec:
  endpointSelector: {}
  ingress: [{}]
  egress:
  - toEndpoints:
    - matchLabels: {"k8s:io.kubernetes.pod.namespace": kube-system, k8s-app: kube-dns}
'''
write(f'{here}/NP-004/fail-cilium/manifests.yaml',
      '# NP-004 failing fixture: CiliumNetworkPolicy egress to the world entity includes the metadata address.\n' + dep('web') + CNP_WORLD)
write(f'{here}/NP-004/pass-cilium/manifests.yaml',
      '# NP-004 passing fixture: Cilium egress only to cluster DNS.\n' + dep('web') + CNP_DENY_ALL)
write(f'{here}/NP-002/pass-cilium/manifests.yaml',
      '# NP-002 passing fixture: a CiliumNetworkPolicy selecting every endpoint with an egress section is a default deny.\n' + dep('web') + CNP_DENY_ALL)
write(f'{here}/NP-017/fail-empty-egress/manifests.yaml',
      '# NP-017 failing fixture: egress: [] without policyTypes does not isolate egress.\n' +
      dep('web') + pol('web', 'default', 'app: web', 'ingress: [{}]\negress: []\n', '[]'))
write(f'{here}/NP-007/pass/.bulkhead.yaml', 'agents:\n  namespaces: [ai]\n  orchestrator: {app: orchestrator}\n')
write(f'{here}/NP-012/fail-host/manifests.yaml',
      '# NP-012 failing fixture: a declared egress host that a standard NetworkPolicy cannot express.\n' + BOT)
write(f'{here}/NP-012/fail-host/.bulkhead.yaml', 'agents:\n  namespaces: [ai]\n  egress: [{host: api.openai.com}]\n')
