ARG BASE=alpine:3.20@sha256:beefdbd8a1da6d2915566fde36db9db0b524eb737fc57cd1367effd16dc0d06d
FROM ${BASE} AS base
FROM base
FROM scratch
USER 10001
