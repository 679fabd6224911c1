# source: hadolint DL3033Spec
# expect-not: DF-027
FROM rockylinux:9
RUN yum install -y openssl-1:1.1.1k
