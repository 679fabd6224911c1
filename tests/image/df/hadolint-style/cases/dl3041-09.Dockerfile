# source: hadolint DL3041Spec
# expect-not: DF-027
FROM rockylinux:9
RUN microdnf install -y gcc-c++-1.1.1
