FROM cgr.dev/chainguard/python:latest-dev
USER 65532
