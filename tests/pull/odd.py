#!/usr/bin/env python3
"""A registry serving manifests bulkhead must refuse to pull, for tests/pull/pull.sh. It listens
on 127.0.0.1 on a free port, writes the port to the file named by argv[1] and answers:
  /v2/odd/manifests/t    a manifest of a media type that is neither an image manifest nor an
                         index (application/vnd.example.thing.v1+json)
  /v2/huge/manifests/t   an OCI image manifest whose one layer declares 5 GiB, past
                         BH_LIMIT_PULL_BYTES; any blob request is counted at /count, as the
                         pull must stop before fetching anything.
  /v2/slow/manifests/t   an image whose config arrives at once and whose 64 MiB layer arrives
                         at 64 KiB a second (for at most 60 s), so that a pull can be
                         interrupted while it writes the layer.
"""
import hashlib
import json
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CONFIG = b'{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}'
HUGE = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                   "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                              "digest": "sha256:" + hashlib.sha256(CONFIG).hexdigest(),
                              "size": len(CONFIG)},
                   "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                               "digest": "sha256:" + "1" * 64, "size": 5 << 30}]}).encode()
ODD = b'{"schemaVersion":2,"mediaType":"application/vnd.example.thing.v1+json"}'
SLOW_LAYER = "sha256:" + "2" * 64
SLOW = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                   "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                              "digest": "sha256:" + hashlib.sha256(CONFIG).hexdigest(),
                              "size": len(CONFIG)},
                   "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar",
                               "digest": SLOW_LAYER, "size": 64 << 20}]}).encode()
blobs = {"count": 0}


class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def send(self, code, body=b"", ctype="application/json"):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path == "/v2/":
            self.send(200, b"{}")
        elif self.path == "/count":
            self.send(200, str(blobs["count"]).encode(), "text/plain")
        elif self.path == "/v2/odd/manifests/t":
            self.send(200, ODD, "application/vnd.example.thing.v1+json")
        elif self.path == "/v2/huge/manifests/t":
            self.send(200, HUGE, "application/vnd.oci.image.manifest.v1+json")
        elif self.path == "/v2/slow/manifests/t":
            self.send(200, SLOW, "application/vnd.oci.image.manifest.v1+json")
        elif self.path.endswith("/blobs/" + SLOW_LAYER):
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(64 << 20))
            self.end_headers()
            try:
                for _ in range(60):
                    self.wfile.write(b"\0" * 65536)
                    self.wfile.flush()
                    time.sleep(1)
            except OSError:
                pass
            self.close_connection = True
        elif "/blobs/" in self.path:
            blobs["count"] += 1
            self.send(200, CONFIG, "application/octet-stream")
        else:
            self.send(404, b'{"errors":[{"code":"NAME_UNKNOWN","message":"no such thing"}]}')


srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write(str(srv.server_port))
import os  # noqa: E402
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
srv.serve_forever()
