#!/usr/bin/env python3
"""A registry that misbehaves, for tests/registry/registry.sh. It listens on 127.0.0.1 on a free
port, writes the port to the file named by argv[1], and answers /v2/<case>/... according to the
case: oversized bodies, bytes that do not match their digest, malformed or missing challenges,
error bodies with control characters, too many headers, redirect loops, and a Bearer token flow
(good, oversized, not JSON) whose token requests it counts at /count; an upload location on
another host, and a manifest PUT answered with another digest."""
import hashlib
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MANIFEST = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                       "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                                  "digest": "sha256:" + "0" * 64, "size": 2},
                       "layers": []}).encode()
DIGEST = "sha256:" + hashlib.sha256(MANIFEST).hexdigest()
OCI = "application/vnd.oci.image.manifest.v1+json"
tokens = {"count": 0}


class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def send(self, code, body=b"", headers=()):
        self.send_response(code)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def realm(self, path):
        return "http://127.0.0.1:%d%s" % (self.server.server_port, path)

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        p = self.path
        parts = p.split("/")
        case = parts[2] if len(parts) > 2 and parts[1] == "v2" else ""
        auth = self.headers.get("Authorization", "")
        if p == "/count":
            return self.send(200, str(tokens["count"]).encode())
        if p.startswith("/token"):
            tokens["count"] += 1
            return self.send(200, json.dumps({"access_token": "tok-123", "expires_in": 300}).encode())
        if p.startswith("/hugetoken"):
            return self.send(200, json.dumps({"token": "x" * (100 * 1024)}).encode())
        if p.startswith("/badtoken"):
            return self.send(200, b"{not json")
        if p.startswith("/ctltoken"):
            return self.send(200, json.dumps({"token": "a\r\nX-Injected: 1"}).encode())
        if p == "/v2/":
            return self.send(200, b"{}")
        if case == "good":
            return self.send(200, MANIFEST, [("Content-Type", OCI), ("Docker-Content-Digest", DIGEST)])
        if case == "big":
            # Declares its length, as most servers do; the client refuses it before reading.
            return self.send(200, b" " * (5 * 1024 * 1024), [("Content-Type", OCI)])
        if case == "bigchunked":
            # No length: the client must stop reading at its cap.
            self.send_response(200)
            self.send_header("Content-Type", OCI)
            self.send_header("Connection", "close")
            self.end_headers()
            try:
                for _ in range(64):
                    self.wfile.write(b" " * (128 * 1024))
            except OSError:
                pass
            self.close_connection = True
            return
        if case == "wrongbytes":
            return self.send(200, MANIFEST + b" ", [("Content-Type", OCI)])
        if case == "lie":
            return self.send(200, MANIFEST, [("Content-Type", OCI),
                                             ("Docker-Content-Digest", "sha256:" + "1" * 64)])
        if case == "badchallenge":
            return self.send(401, b"", [("WWW-Authenticate", 'Bearer realm="http://127.0.0.1/unterminated')])
        if case == "nochallenge":
            return self.send(401, b"")
        if case == "oddscheme":
            return self.send(401, b"", [("WWW-Authenticate", 'Negotiate abc')])
        if case == "norealm":
            return self.send(401, b"", [("WWW-Authenticate", 'Bearer service="x"')])
        if case == "junk":
            return self.send(500, b"\x00\xff<html>oops</html>")
        if case == "errjson":
            body = json.dumps({"errors": [{"code": "DENIED", "message": "go away\n\x1b[31mred"}]})
            return self.send(403, body.encode(), [("Content-Type", "application/json")])
        if case == "manyheaders":
            return self.send(200, MANIFEST, [("X-H%d" % i, "v") for i in range(300)])
        if case == "longchallenge":
            return self.send(401, b"", [("WWW-Authenticate", 'Bearer realm="' + "a" * 8000 + '"')])
        if case == "loop":
            return self.send(302, b"", [("Location", p)])
        if case in ("tok", "hugetok", "badtok", "ctltok"):
            realm = {"tok": "/token", "hugetok": "/hugetoken", "badtok": "/badtoken", "ctltok": "/ctltoken"}[case]
            if auth == "Bearer tok-123":
                return self.send(200, MANIFEST, [("Content-Type", OCI)])
            ch = 'Bearer realm="%s",service="hostile",scope="repository:%s:pull"' % (self.realm(realm), case)
            body = json.dumps({"errors": [{"code": "UNAUTHORIZED", "message": "authentication required"}]})
            return self.send(401, body.encode(), [("WWW-Authenticate", ch)])
        if case == "blob":
            # Any digest asked for gets the same bytes, which match at most one of them.
            return self.send(200, b"blob-bytes", [("Content-Type", "application/octet-stream")])
        if case == "userrealm":
            ch = 'Bearer realm="http://127.0.0.1:1@elsewhere.invalid/token",service="x"'
            return self.send(401, b"", [("WWW-Authenticate", ch)])
        if case == "httpsrealm":
            ch = 'Bearer realm="ftp://127.0.0.1/token",service="x"'
            return self.send(401, b"", [("WWW-Authenticate", ch)])
        return self.send(404, json.dumps({"errors": [{"code": "NAME_UNKNOWN", "message": "no such"}]}).encode())


    def body(self):
        n = int(self.headers.get("Content-Length", "0"))
        return self.rfile.read(n) if n else b""

    def do_POST(self):
        self.body()
        if self.path.startswith("/v2/elsewhere/"):
            # An upload location on another host: the client must not send its data there.
            return self.send(202, b"", [("Location", "http://elsewhere.invalid/upload/1")])
        return self.send(404, b"")

    def do_PUT(self):
        self.body()
        if self.path.startswith("/v2/liar/manifests/"):
            return self.send(201, b"", [("Docker-Content-Digest", "sha256:" + "1" * 64)])
        return self.send(404, b"")


srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write(str(srv.server_port))
import os
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
srv.serve_forever()
