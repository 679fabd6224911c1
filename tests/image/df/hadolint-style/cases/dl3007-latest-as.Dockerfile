# source: hadolint DL3007Spec
# expect: DF-003
FROM debian:latest AS builder
FROM scratch
COPY --from=builder /x /x
