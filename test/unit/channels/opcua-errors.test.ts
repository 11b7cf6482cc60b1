// node-opcua's error messages → the one line an operator sees as the channel's lastError.
import { describe, expect, it } from 'vitest';
import { describeOpcuaError } from '../../../src/channels/opcua/opcua-link.js';

const config = { username: null, pkiDir: 'data/pki', acceptUnknownServerCertificate: false };

describe('OPC UA error messages', () => {
  it('keeps the cause of a refused connection and drops the advice around it', () => {
    const err = new Error(
      'The connection cannot be established with server opc.tcp://10.0.0.9:4840 .\nPlease check that the server is up and running or your network configuration.\nErr = (connect ECONNREFUSED 10.0.0.9:4840)',
    );
    expect(describeOpcuaError(err, config)).toBe('connect ECONNREFUSED 10.0.0.9:4840');
  });

  it('names the user a server refused', () => {
    expect(describeOpcuaError(new Error('BadUserAccessDenied (0x801f0000)'), { ...config, username: 'op' })).toBe(
      'user "op" refused: BadUserAccessDenied (0x801f0000)',
    );
  });

  it('says where to move an untrusted server certificate, unless unknown certificates are accepted', () => {
    const err = new Error('server Certificate verification failed with err BadCertificateUntrusted (0x801a0000)');
    expect(describeOpcuaError(err, config)).toBe(
      'server Certificate verification failed with err BadCertificateUntrusted (0x801a0000) (to trust the server, move its certificate from data/pki/rejected to data/pki/trusted/certs)',
    );
    expect(describeOpcuaError(err, { ...config, acceptUnknownServerCertificate: true })).toBe(err.message);
  });
});
