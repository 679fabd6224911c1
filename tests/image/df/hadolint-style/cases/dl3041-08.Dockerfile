# source: hadolint DL3041Spec
# expect-not: DF-027
FROM rockylinux:9
RUN dnf install -y rpm-sign-4.16.1.3 && dnf clean all
