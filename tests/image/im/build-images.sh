#!/bin/sh
# Builds the test images of the built-image audit into OUT (default: $BUILDDIR/im-images), with
# umoci and skopeo, offline except for `apt-get download` and mmdebstrap (both cached under
# ~/.cache/bulkhead). Each image exists as an OCI layout (OUT/oci:TAG), a docker-archive
# (OUT/TAG.docker.tar) and, for "bad", an OCI layout packed in a tar (OUT/bad.oci.tar).
#   bad     root, shell, apt-get, SUID, world-writable dir, root without a password, a private key and credentials that a
#           later layer deletes (opaque dir + whiteout), secret Env and build arg, port 22,
#           npm and Python metadata, one sloppy `umoci insert` layer (no tar end blocks)
#   good    distroless-style: real Debian packages (base-files, netbase, tzdata, libc6) unpacked
#           with dpkg-deb -x, status.d from their control files, User 65532:65532
#   debian  mmdebstrap --variant=minbase bookworm (skipped with a message when unavailable)
# Layers are GNU tars added with `umoci raw add-layer` (umoci insert 0.4.7 writes truncated
# tars, see ../shared/docs/IMAGE_FIXTURES.md), with fixed times so digests are stable.
set -eu
OUT=${1:-${BUILDDIR:-.}/im-images}
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/bulkhead
T=2024-01-02T03:04:05Z
# Made-up AWS credentials for the bad image (a secret its later layer deletes, and one in Env).
# The allow comments keep `bulkhead secrets` on this repository clean.
FAKE_AKID=AKIAQ3EGUBHPJOUDFQW7                       # bulkhead:allow test fixture
FAKE_SECRET=k9VvD2Qm7bXcT1pR8sLzW4yHnE6uJ0fGaKdI3oP5 # bulkhead:allow test fixture
mkdir -p "$OUT" "$CACHE"
# Images are rebuilt when this script changes: the markers hold its hash.
STAMP=$(sha256sum "$0" | cut -c1-16)
built() { [ "$(cat "$OUT/.done-$1" 2>/dev/null)" = "$STAMP" ]; }
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT

# A reproducible layer tar of directory $1 into $2.
mklayer() {
	(cd "$1" && find . -mindepth 1 -printf '%P\n' | LC_ALL=C sort) >"$W/list"
	tar --numeric-owner --owner=0 --group=0 --mtime=@0 --no-recursion -C "$1" -cf "$2" -T "$W/list"
}
addlayer() { # image:tag newtag tar created_by
	umoci raw add-layer --image "$1" --tag "$2" --history.created "$T" \
		--history.created_by "$4" "$3"
}

if ! built bad; then
	# The layout holds every image: rebuilding it means rebuilding them all.
	rm -rf "$OUT/oci" "$OUT"/*.docker.tar "$OUT/bad.oci.tar" "$OUT/.done-good" "$OUT/.done-debian"
	umoci init --layout "$OUT/oci"
	umoci new --image "$OUT/oci:empty"
	umoci config --image "$OUT/oci:empty" --tag empty --created "$T" --author bulkhead \
		--history.created "$T" --history.created_by 'new'

	# Layer 1: a small base system with a shell, apt-get and package metadata.
	R=$W/bad1
	mkdir -p "$R/etc" "$R/bin" "$R/usr/bin" "$R/tmp" "$R/var/lib/dpkg/status.d" \
		"$R/app/node_modules/@scope/util" "$R/app/node_modules/left-pad" \
		"$R/usr/local/lib/python3.11/site-packages/requests-2.28.1.dist-info" \
		"$R/root/.ssh" "$R/app/shared"
	printf 'root:x:0:0:root:/root:/bin/sh\nnonroot:x:65532:65532::/home/nonroot:/sbin/nologin\nadmin:x:0:0::/root:/bin/sh\n' >"$R/etc/passwd"
	printf 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\n' >"$R/etc/os-release"
	printf 'root::19000:0:99999:7:::\nnonroot:!:19000:0:99999:7:::\nadmin:*:19000:0:99999:7:::\n' >"$R/etc/shadow"
	chmod 640 "$R/etc/shadow"
	printf '#!/bin/true\n' >"$R/bin/sh"
	chmod 755 "$R/bin/sh"
	ln -s sh "$R/bin/bash"
	ln -s /bin/missing "$R/bin/dash" # dangling: not a shell
	printf '#!/bin/true\n' >"$R/usr/bin/apt-get"
	printf '#!/bin/true\n' >"$R/usr/bin/pip3"
	printf '#!/bin/true\n' >"$R/usr/bin/suidtool"
	chmod 755 "$R/usr/bin/apt-get" "$R/usr/bin/pip3"
	chmod 4755 "$R/usr/bin/suidtool"
	chmod 1777 "$R/tmp"
	chmod 0777 "$R/app/shared"
	cp "$SHARED/corpus/pkgdb/dpkg-status.d/base-files" "$SHARED/corpus/pkgdb/dpkg-status.d/libc6" \
		"$R/var/lib/dpkg/status.d/"
	printf '{"name":"@scope/util","version":"1.0.0","license":"MIT"}\n' >"$R/app/node_modules/@scope/util/package.json"
	printf '{"name":"left-pad","version":"1.3.0","license":"WTFPL"}\n' >"$R/app/node_modules/left-pad/package.json"
	cp "$SHARED/corpus/pkgdb/python/requests-2.28.1.dist-info/METADATA" \
		"$R/usr/local/lib/python3.11/site-packages/requests-2.28.1.dist-info/"
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$R/root/.ssh/id_ecdsa" 2>/dev/null
	printf '{"aws_access_key_id":"%s","aws_secret_access_key":"%s"}\n' "$FAKE_AKID" "$FAKE_SECRET" \
		>"$R/app/credentials.json"
	printf 'scratch\n' >"$R/app/tmpfile"
	mklayer "$R" "$W/l1.tar"
	addlayer "$OUT/oci:empty" t1 "$W/l1.tar" 'COPY rootfs /'

	# Layer 2: deletes the key (opaque /root/.ssh) and the credentials (whiteout).
	R=$W/bad2
	mkdir -p "$R/root/.ssh" "$R/app"
	: >"$R/root/.ssh/.wh..wh..opq"
	printf 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBulkheadTestKeyOnly user@host\n' >"$R/root/.ssh/authorized_keys"
	: >"$R/app/.wh.credentials.json"
	: >"$R/app/.wh.tmpfile"
	mklayer "$R" "$W/l2.tar"
	addlayer "$OUT/oci:t1" t2 "$W/l2.tar" 'RUN rm -rf /root/.ssh/* /app/credentials.json # buildkit'

	# Layer 3: one real-world sloppy layer from umoci insert (no tar padding or end blocks).
	mkdir -p "$W/bad3"
	printf 'print("agent")\n' >"$W/bad3/app.py"
	umoci insert --image "$OUT/oci:t2" --tag t3 --history.created "$T" \
		--history.created_by 'COPY app.py /app/' "$W/bad3/app.py" /app/app.py

	umoci config --image "$OUT/oci:t3" --tag bad --created "$T" --config.user 0 \
		--config.env "AWS_SECRET_ACCESS_KEY=$FAKE_SECRET" \
		--config.env 'DB_PASSWORD=${DB_PASSWORD}' --config.env 'GPG_KEY=0x1234ABCD' \
		--config.env 'PATH=/usr/local/bin:/usr/bin:/bin' --config.exposedports 22/tcp \
		--config.entrypoint /usr/bin/python3 --config.cmd app.py \
		--config.label 'com.example.api-token=tok_9f8e7d6c5b4a39281706f5e4d3c2b1a0' \
		--config.label 'org.opencontainers.image.source=https://example.org/agent' \
		--history.created "$T" \
		--history.created_by '|1 GITHUB_TOKEN=ghp_R4nd0mT0k3nV4lu3F0rT3st1ngOnlyAbCdEf /bin/sh -c make'
	umoci config --image "$OUT/oci:bad" --tag badname --created "$T" --config.user admin \
		--history.created "$T" --history.created_by 'USER admin'
	umoci config --image "$OUT/oci:bad" --tag ghost --created "$T" --config.user ghost \
		--history.created "$T" --history.created_by 'USER ghost'
	skopeo copy -q oci:"$OUT/oci:bad" docker-archive:"$OUT/bad.docker.tar":example/agent:bad
	(cd "$OUT/oci" && tar -cf "$OUT/bad.oci.tar" oci-layout index.json blobs)
	echo "$STAMP" >"$OUT/.done-bad"
fi

# The good image: real Debian packages, distroless style.
if ! built good; then
	DEBS=$CACHE/debs
	mkdir -p "$DEBS"
	if ! ls "$DEBS"/libc6_*.deb >/dev/null 2>&1; then
		# Download beside, then move: a parallel run (the sanitizer build) may race us.
		mkdir -p "$W/debs"
		if (cd "$W/debs" && apt-get download base-files netbase tzdata libc6 >/dev/null 2>&1); then
			mv "$W"/debs/*.deb "$DEBS"/
		else
			echo "note: apt-get download failed; building the good image without packages" >&2
		fi
	fi
	R=$W/good
	mkdir -p "$R/var/lib/dpkg/status.d" "$R/etc" "$R/home/nonroot" "$R/tmp"
	for d in "$DEBS"/*.deb; do
		[ -f "$d" ] || continue
		p=$(dpkg-deb --field "$d" Package)
		dpkg-deb --field "$d" >"$R/var/lib/dpkg/status.d/$p"
		dpkg-deb --ctrl-tarfile "$d" | tar -xO ./md5sums >"$R/var/lib/dpkg/status.d/$p.md5sums" 2>/dev/null || true
		dpkg-deb -x "$d" "$R"
	done
	printf 'root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' >"$R/etc/passwd"
	chmod 1777 "$R/tmp"
	mklayer "$R" "$W/good.tar"
	addlayer "$OUT/oci:empty" g1 "$W/good.tar" 'COPY distroless /'
	umoci config --image "$OUT/oci:g1" --tag good --created "$T" --config.user 65532:65532 \
		--config.entrypoint /app/agent --history.created "$T" --history.created_by 'USER 65532:65532'
	skopeo copy -q oci:"$OUT/oci:good" docker-archive:"$OUT/good.docker.tar":example/agent:good
	echo "$STAMP" >"$OUT/.done-good"
fi

# The Debian image: mmdebstrap minbase, cached.
if ! built debian; then
	ROOTFS=$CACHE/debian-minbase.tar
	if [ ! -f "$ROOTFS" ]; then
		tmp=$ROOTFS.tmp.$$
		if mmdebstrap --variant=minbase --mode=root --format=tar bookworm "$tmp" >"$W/mmdebstrap.log" 2>&1 ||
			mmdebstrap --variant=minbase --mode=unshare --format=tar bookworm "$tmp" >>"$W/mmdebstrap.log" 2>&1; then
			mv "$tmp" "$ROOTFS"
		else
			rm -f "$tmp"
			echo "SKIP debian image: mmdebstrap could not build bookworm minbase (offline?)" >&2
		fi
	fi
	if [ -f "$ROOTFS" ]; then
		addlayer "$OUT/oci:empty" debian "$ROOTFS" 'mmdebstrap --variant=minbase bookworm'
		skopeo copy -q oci:"$OUT/oci:debian" docker-archive:"$OUT/debian.docker.tar":example/debian:12
		echo "$STAMP" >"$OUT/.done-debian"
	fi
fi
