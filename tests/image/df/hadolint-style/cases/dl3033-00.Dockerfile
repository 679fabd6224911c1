# source: hadolint DL3033Spec
# expect: DF-027
FROM rockylinux:9
RUN yum install -y tomcat && yum clean all
