# source: hadolint DL3041Spec
# expect-not: DF-027
FROM rockylinux:9
RUN dnf install -y tomcat-9.0.1 && dnf clean all
