# source: hadolint DL3041Spec
# expect-not: DF-027
FROM rockylinux:9
RUN microdnf install -y tomcat-9.0.1 && microdnf clean all
