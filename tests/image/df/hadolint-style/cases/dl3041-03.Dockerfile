# source: hadolint DL3041Spec
# expect: DF-027
FROM rockylinux:9
RUN microdnf install -y rpm-sign && microdnf clean all
