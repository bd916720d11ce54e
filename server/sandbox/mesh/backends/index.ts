/** Backend workloads of the sandbox's scenarios, as ContainerImpls (chosen by image in ../images.ts). */
export { HttpdImpl, httpdPage, HTTPD_SERVER_HEADER } from './httpd';
export { HttpbinImpl, chooseStatus, MAX_DELAY_SECONDS, type HttpbinFlavour, type HttpbinOptions } from './httpbin';
export { CounterImpl } from './counter';
export { TcpEchoImpl } from './tcp-echo';
export { commonLogLine, clfTime } from './common';
