# source: hadolint DL3041Spec
# expect-not: DF-027
FROM rockylinux:9
RUN dnf module install -y tomcat:9 && dnf clean all
