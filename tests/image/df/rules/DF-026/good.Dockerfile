ARG BASE=registry.example.internal/base/alpine:3.20
FROM ${BASE} AS b
FROM gcr.io/distroless/static-debian12:nonroot
FROM europe-docker.pkg.dev/proj/repo/img:1.0
FROM cgr.dev/chainguard/static:latest
FROM b
FROM scratch
USER 1
