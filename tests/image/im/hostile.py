#!/usr/bin/env python3
"""Build hand-made images for the built-image reader's tests, including hostile ones.

usage: hostile.py OUTDIR
Each case is an OCI layout directory OUTDIR/<case> (or a tar, for docker25.tar) whose digests
are correct unless the case is about a wrong digest:
  traversal     ../ entries, an absolute path, a symlink and a hard link that leave the root
  truncated     a gzip layer cut in half (its blob digest matches the cut bytes)
  bomb          a gzip layer that inflates ~1000:1 (64 MiB of zeros)
  blobdigest    a plain layer edited after its digest was recorded
  diffid        a config whose diff_id does not match the layer
  mandigest     an index whose manifest digest is wrong
  multiarch     a nested index: amd64 (User 65532), arm64 (User 0), an attestation manifest
  zstd          a zstd-compressed layer (needs the zstd program)
  docker25.tar  Docker 25+ save layout: OCI layout + manifest.json, gzip layers
  docker-legacy.tar  old docker save: manifest.json names <v1id>/layer.tar, a symlink to
                the <diffid>.tar member; config <hex>.json (User "", so root)
  manylayers    41 small layers (IM-015)
  notimage      a directory with neither manifest.json nor index.json
  caps          a binary with file capabilities (PAX SCHILY.xattr.security.capability)
  rpm, alpine   package databases from ../shared/corpus/pkgdb in RHEL 9.3 and Alpine 3.18.4 roots
  oldalpine     apk database with /etc/alpine-release but no os-release
  escape        an unpacked docker save whose manifest.json names ../../../../etc/passwd
"""
import gzip
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile

OUT = sys.argv[1]
FIXED = "2024-01-02T03:04:05Z"


def sha(b):
    return hashlib.sha256(b).hexdigest()


def tar_bytes(entries, pax=None):
    """entries: (name, kind, data_or_target, mode); pax: {name: {pax header: value}}."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        for name, kind, data, mode in entries:
            ti = tarfile.TarInfo(name)
            ti.mtime = 0
            ti.mode = mode
            if pax and name in pax:
                ti.pax_headers = pax[name]
            if kind == "file":
                ti.size = len(data)
                t.addfile(ti, io.BytesIO(data))
            elif kind == "dir":
                ti.type = tarfile.DIRTYPE
                t.addfile(ti)
            elif kind == "symlink":
                ti.type = tarfile.SYMTYPE
                ti.linkname = data
                t.addfile(ti)
            elif kind == "hardlink":
                ti.type = tarfile.LNKTYPE
                ti.linkname = data
                t.addfile(ti)
    return buf.getvalue()


def gz(b):
    return gzip.compress(b, 6, mtime=0)


def write_blob(d, b):
    os.makedirs(f"{d}/blobs/sha256", exist_ok=True)
    h = sha(b)
    with open(f"{d}/blobs/sha256/{h}", "wb") as f:
        f.write(b)
    return h


def config_for(diff_ids, user="65532:65532", arch="amd64"):
    return {
        "created": FIXED,
        "architecture": arch,
        "os": "linux",
        "config": {"User": user, "Env": ["PATH=/usr/bin:/bin"]},
        "rootfs": {"type": "layers", "diff_ids": [f"sha256:{x}" for x in diff_ids]},
        "history": [{"created": FIXED, "created_by": "test"} for _ in diff_ids],
    }


def image(d, layers, user="65532:65532", arch="amd64", diff_ids=None, tag="latest",
          write_index=True, media="application/vnd.oci.image.layer.v1.tar+gzip"):
    """layers: list of (stored_bytes, uncompressed_bytes). Returns the manifest descriptor."""
    os.makedirs(d, exist_ok=True)
    with open(f"{d}/oci-layout", "w") as f:
        f.write('{"imageLayoutVersion":"1.0.0"}')
    ids = diff_ids if diff_ids is not None else [sha(u) for _, u in layers]
    cfg = json.dumps(config_for(ids, user, arch)).encode()
    ch = write_blob(d, cfg)
    lds = []
    for stored, _ in layers:
        lds.append({"mediaType": media, "digest": "sha256:" + write_blob(d, stored),
                    "size": len(stored)})
    man = json.dumps({"schemaVersion": 2,
                      "mediaType": "application/vnd.oci.image.manifest.v1+json",
                      "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                                 "digest": "sha256:" + ch, "size": len(cfg)},
                      "layers": lds}).encode()
    mh = write_blob(d, man)
    desc = {"mediaType": "application/vnd.oci.image.manifest.v1+json",
            "digest": "sha256:" + mh, "size": len(man),
            "annotations": {"org.opencontainers.image.ref.name": tag},
            "platform": {"architecture": arch, "os": "linux"}}
    if write_index:
        with open(f"{d}/index.json", "w") as f:
            json.dump({"schemaVersion": 2, "manifests": [desc]}, f)
    return desc, ch, lds


def base_layer():
    t = tar_bytes([("etc", "dir", None, 0o755),
                   ("etc/passwd", "file", b"root:x:0:0::/root:/sbin/nologin\n"
                    b"nonroot:x:65532:65532::/home/nonroot:/sbin/nologin\n", 0o644),
                   ("app", "dir", None, 0o755),
                   ("app/agent", "file", b"\x7fELF agent", 0o755)])
    return gz(t), t


def main():
    shutil.rmtree(OUT, ignore_errors=True)
    os.makedirs(OUT)

    t = tar_bytes([("ok", "dir", None, 0o755),
                   ("ok/file", "file", b"fine\n", 0o644),
                   ("../evil", "file", b"escaped\n", 0o644),
                   ("ok/../../evil2", "file", b"escaped\n", 0o644),
                   ("/abs/file", "file", b"absolute\n", 0o644),
                   ("ok/esc", "symlink", "../../../../etc/shadow", 0o777),
                   ("ok/inside", "symlink", "../ok/file", 0o777),
                   ("ok/abslink", "symlink", "/etc/passwd", 0o777),
                   ("ok/hl", "hardlink", "../../etc/passwd", 0o644)])
    image(f"{OUT}/traversal", [base_layer(), (gz(t), t)])

    full = tar_bytes([("big", "file", os.urandom(200000), 0o644)])
    z = gz(full)
    image(f"{OUT}/truncated", [(z[: len(z) // 2], full)])

    bomb = tar_bytes([("zeros", "file", bytes(64 << 20), 0o644)])
    image(f"{OUT}/bomb", [(gzip.compress(bomb, 9, mtime=0), bomb)])

    plain = tar_bytes([("etc", "dir", None, 0o755), ("etc/motd", "file", b"hello world\n", 0o644)])
    _, _, lds = image(f"{OUT}/blobdigest", [(plain, plain)],
                      media="application/vnd.oci.image.layer.v1.tar")
    h = lds[0]["digest"][7:]
    edited = plain.replace(b"hello world", b"HELLO world")
    with open(f"{OUT}/blobdigest/blobs/sha256/{h}", "wb") as f:
        f.write(edited)

    image(f"{OUT}/diffid", [base_layer()], diff_ids=["0" * 64])

    image(f"{OUT}/mandigest", [base_layer()])
    with open(f"{OUT}/mandigest/index.json") as f:
        idx = json.load(f)
    idx["manifests"][0]["digest"] = "sha256:" + "1" * 64
    os.rename(f"{OUT}/mandigest/blobs/sha256/" + json.load(open(f"{OUT}/mandigest/index.json"))
              ["manifests"][0]["digest"][7:], f"{OUT}/mandigest/blobs/sha256/" + "1" * 64)
    with open(f"{OUT}/mandigest/index.json", "w") as f:
        json.dump(idx, f)

    d = f"{OUT}/multiarch"
    amd, _, _ = image(d, [base_layer()], user="65532:65532", arch="amd64", write_index=False)
    arm, _, _ = image(d, [base_layer()], user="0", arch="arm64", write_index=False)
    att = dict(amd)
    att["platform"] = {"architecture": "unknown", "os": "unknown"}
    att["annotations"] = {"vnd.docker.reference.type": "attestation-manifest"}
    for x in (amd, arm):
        x.pop("annotations")
    sub = json.dumps({"schemaVersion": 2,
                      "mediaType": "application/vnd.oci.image.index.v1+json",
                      "manifests": [att, arm, amd]}).encode()
    sh = write_blob(d, sub)
    with open(f"{d}/index.json", "w") as f:
        json.dump({"schemaVersion": 2, "manifests": [
            {"mediaType": "application/vnd.oci.image.index.v1+json", "digest": "sha256:" + sh,
             "size": len(sub), "annotations": {"org.opencontainers.image.ref.name": "v1"}}]}, f)

    if shutil.which("zstd"):
        zt = tar_bytes([("etc", "dir", None, 0o755),
                        ("etc/passwd", "file", b"root:x:0:0::/root:/bin/sh\n", 0o644),
                        ("bin", "dir", None, 0o755), ("bin/sh", "file", b"#!sh\n", 0o755)])
        zb = subprocess.run(["zstd", "-q", "-c"], input=zt, capture_output=True,
                            check=True).stdout
        image(f"{OUT}/zstd", [(zb, zt)], user="",
              media="application/vnd.oci.image.layer.v1.tar+zstd")

    # Docker 25+: an OCI layout plus manifest.json naming blobs, packed in a tar.
    d = f"{OUT}/docker25"
    desc, ch, lds = image(d, [base_layer()], user="root")
    with open(f"{d}/manifest.json", "w") as f:
        json.dump([{"Config": "blobs/sha256/" + ch, "RepoTags": ["example/agent:v25"],
                    "Layers": ["blobs/sha256/" + x["digest"][7:] for x in lds]}], f)
    with tarfile.open(f"{OUT}/docker25.tar", "w") as t:
        for name in sorted(os.listdir(d)):
            t.add(f"{d}/{name}", arcname=name)
    shutil.rmtree(d)

    # Old docker save: layers reached through <v1id>/layer.tar -> ../<diffid>.tar symlinks.
    _, lt = base_layer()
    lh = sha(lt)
    cfg = json.dumps(config_for([lh], user="")).encode()
    chx = sha(cfg)
    with tarfile.open(f"{OUT}/docker-legacy.tar", "w") as t:
        def add(name, data=None, link=None):
            ti = tarfile.TarInfo(name)
            ti.mtime = 0
            if link is not None:
                ti.type = tarfile.SYMTYPE
                ti.linkname = link
                t.addfile(ti)
            else:
                ti.size = len(data)
                t.addfile(ti, io.BytesIO(data))
        add(f"{lh}.tar", lt)
        add("v1id/VERSION", b"1.0")
        add("v1id/layer.tar", link=f"../{lh}.tar")
        add(f"{chx}.json", cfg)
        add("manifest.json", json.dumps([{"Config": f"{chx}.json",
                                          "RepoTags": ["example/legacy:1"],
                                          "Layers": ["v1id/layer.tar"]}]).encode())

    layers = []
    for i in range(41):
        lt = tar_bytes([(f"f{i}", "file", b"x", 0o644)])
        layers.append((gz(lt), lt))
    image(f"{OUT}/manylayers", layers)

    ct = tar_bytes([("usr", "dir", None, 0o755), ("usr/bin", "dir", None, 0o755),
                    ("usr/bin/ping", "file", b"\x7fELF", 0o755)],
                   pax={"usr/bin/ping": {"SCHILY.xattr.security.capability":
                                         "\x01\x00\x00\x02\x00\x20\x00\x00"}})
    image(f"{OUT}/caps", [(gz(ct), ct)])

    pk = os.environ.get("SHARED", "../shared") + "/corpus/pkgdb"
    rpm = open(f"{pk}/rpm/rpmdb.sqlite", "rb").read()
    rt = tar_bytes([("etc", "dir", None, 0o755),
                    ("etc/os-release", "file", b'ID="rhel"\nVERSION_ID="9.3"\n', 0o644),
                    ("var/lib/rpm/rpmdb.sqlite", "file", rpm, 0o644)])
    image(f"{OUT}/rpm", [(gz(rt), rt)])
    apk = open(f"{pk}/apk/installed", "rb").read()
    egg = open(f"{pk}/python/PyJWT-2.6.0.egg-info/PKG-INFO", "rb").read()
    at = tar_bytes([("etc", "dir", None, 0o755),
                    ("etc/os-release", "file", b"ID=alpine\nVERSION_ID=3.18.4\n", 0o644),
                    ("lib/apk/db/installed", "file", apk, 0o644),
                    ("usr/lib/python3.11/site-packages/PyJWT-2.6.0.egg-info/PKG-INFO", "file",
                     egg, 0o644)])
    image(f"{OUT}/alpine", [(gz(at), at)])
    ot = tar_bytes([("etc", "dir", None, 0o755),
                    ("etc/alpine-release", "file", b"3.18.4\n", 0o644),
                    ("lib/apk/db/installed", "file", apk, 0o644)])
    image(f"{OUT}/oldalpine", [(gz(ot), ot)])

    os.makedirs(f"{OUT}/escape")
    with open(f"{OUT}/escape/manifest.json", "w") as f:
        json.dump([{"Config": "../../../../etc/passwd", "Layers": ["../../x/" + "a" * 64 + ".tar"]}], f)

    os.makedirs(f"{OUT}/notimage")
    with open(f"{OUT}/notimage/readme", "w") as f:
        f.write("not an image\n")


main()
