#!/usr/bin/env python3
"""A token server for the distribution token flow, for tests/registry/registry.sh: GET /token
with Basic credentials user:secret returns a JWT (RS256, signed with the openssl CLI, the signing
certificate in its x5c header) granting the scopes asked for; wrong or missing credentials get
401. argv: port-file key.pem cert.pem issuer service. Token requests are counted at /count."""
import base64
import json
import os
import subprocess
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

portfile, key, cert, issuer, service = sys.argv[1:6]
der = subprocess.run(["openssl", "x509", "-in", cert, "-outform", "DER"], check=True,
                     capture_output=True).stdout
count = {"n": 0}


def b64(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def sign(claims):
    head = {"typ": "JWT", "alg": "RS256", "x5c": [base64.b64encode(der).decode()]}
    msg = b64(json.dumps(head).encode()) + "." + b64(json.dumps(claims).encode())
    sig = subprocess.run(["openssl", "dgst", "-sha256", "-sign", key], input=msg.encode(),
                         check=True, capture_output=True).stdout
    return msg + "." + b64(sig)


class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def send(self, code, body):
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        u = urlparse(self.path)
        if u.path == "/count":
            return self.send(200, str(count["n"]).encode())
        want = "Basic " + base64.b64encode(b"user:secret").decode()
        if self.headers.get("Authorization") != want:
            return self.send(401, b'{"errors":[{"code":"UNAUTHORIZED","message":"bad credentials"}]}')
        count["n"] += 1
        q = parse_qs(u.query)
        access = []
        for s in q.get("scope", []):
            typ, name, actions = s.split(":")
            access.append({"type": typ, "name": name, "actions": actions.split(",")})
        now = int(time.time())
        tok = sign({"iss": issuer, "sub": "user", "aud": q.get("service", [service])[0],
                    "exp": now + 300, "nbf": now - 10, "iat": now, "jti": str(now) + str(count["n"]),
                    "access": access})
        self.send(200, json.dumps({"token": tok, "expires_in": 300}).encode())


srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
with open(portfile + ".tmp", "w") as f:
    f.write(str(srv.server_port))
os.rename(portfile + ".tmp", portfile)
srv.serve_forever()
