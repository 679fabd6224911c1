# syntax=docker/dockerfile:1
FROM fedora:40
RUN <<EOT
set -e
dnf install -y gcc make
EOT
USER 10001
