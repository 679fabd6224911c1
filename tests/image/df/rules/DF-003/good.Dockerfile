FROM alpine:3.20 AS a
FROM a
FROM alpine@sha256:beefdbd8a1da6d2915566fde36db9db0b524eb737fc57cd1367effd16dc0d06d
FROM localhost:5000/team/app:1.2
USER 10001
