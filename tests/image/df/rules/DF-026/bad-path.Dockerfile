FROM quay.io/prometheus/busybox:latest AS x
FROM cgr.dev/other/static:latest
USER 1
