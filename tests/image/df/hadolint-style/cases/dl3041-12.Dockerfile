# source: hadolint DL3041Spec
# expect: DF-027
FROM rockylinux:9
RUN microdnf module install -y tomcat && microdnf clean all
