FROM cgr.dev/chainguard/python:latest-dev AS deps
FROM cgr.dev/chainguard/python:3.12
USER 65532
