FROM rockylinux:9
RUN yum install -y tomcat && yum clean all
