# source: hadolint DL3041Spec
# expect: DF-027
FROM rockylinux:9
RUN dnf install -y rpm-sign && dnf clean all
