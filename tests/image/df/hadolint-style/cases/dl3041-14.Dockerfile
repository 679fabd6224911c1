# source: hadolint DL3041Spec
# expect-not: DF-027
FROM rockylinux:9
RUN microdnf module install -y tomcat:9 && microdnf clean all
