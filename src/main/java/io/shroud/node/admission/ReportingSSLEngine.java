package io.shroud.node.admission;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.BiFunction;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;

/**
 * The JDK's engine with one addition: the first {@link SSLException} it throws is reported as
 * one line ({@link HandshakeFailure}) before it is rethrown. That is where every failed Artery
 * handshake surfaces, on both sides: our trust manager's refusal, the peer's alert refusing our
 * certificate, bytes that are not TLS. Pekko's TLS stage only fails the stream (and logs at
 * debug at most), so without this the refused peer would go unexplained. A connection that
 * closes before the handshake finished is reported too; one that closes after it is normal
 * Artery behaviour (it does not send close_notify) and is not.
 */
final class ReportingSSLEngine extends SSLEngine {
  private final SSLEngine engine;
  private final HandshakeFailure.Side side;
  private final String endpoint;
  private final RefusalLog log;
  private final PeerCheck serverCheck;
  private volatile boolean finished;
  private volatile boolean reported;

  /**
   * @param serverCheck for an OUTBOUND engine, the check of the server's certificate, made when
   *     the handshake finishes (see {@link #refuseServer}); ignored for INBOUND
   */
  ReportingSSLEngine(SSLEngine engine, HandshakeFailure.Side side, String endpoint, RefusalLog log,
      PeerCheck serverCheck) {
    super(engine.getPeerHost(), engine.getPeerPort());
    this.engine = engine;
    this.side = side;
    this.endpoint = endpoint;
    this.log = log;
    this.serverCheck = serverCheck;
  }

  /** The value {@link #REFUSED} holds in a session whose server this engine refused. */
  static final String REFUSED = "io.shroud.artery-tls.refused-server";

  private SSLEngineResult seen(SSLEngineResult r) {
    if (r.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.FINISHED && !finished) {
      finished = true;
      if (side == HandshakeFailure.Side.OUTBOUND) {
        refuseServer();
      }
    }
    return r;
  }

  /**
   * The client's decision on the server, the moment the client's handshake is done (it has just
   * produced its last flight: certificate, signature, Finished). A refused server gets that flight
   * and then only close_notify: {@link SSLEngine#closeOutbound()} makes the engine refuse to
   * encrypt anything else, so not one Artery byte reaches it. Failing the session instead (Pekko's
   * session verification) would drop the flight with the connection, and the server would never
   * see, nor be able to name, the certificate it is refusing. The session is marked {@link
   * #REFUSED}, so that the verification that follows knows the connection is already ending.
   */
  private void refuseServer() {
    SSLSession session = engine.getSession();
    java.security.cert.X509Certificate[] chain;
    try {
      chain = ArteryTls.x509(session.getPeerCertificates());
    } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
      chain = new java.security.cert.X509Certificate[0];
    }
    try {
      serverCheck.check(chain);
    } catch (PeerCheck.Refused r) {
      engine.closeOutbound();
      session.putValue(REFUSED, r.getMessage());
      if (!reported) {
        reported = true;
        log.report(HandshakeFailure.refusedLine(side, endpoint, r.getMessage(), r.claimed()));
      }
    }
  }

  private SSLException failed(SSLException e) {
    if (!reported) {
      reported = true;
      log.report(HandshakeFailure.line(side, endpoint, e));
    }
    return e;
  }

  @Override
  public SSLEngineResult wrap(ByteBuffer[] srcs, int offset, int length, ByteBuffer dst) throws SSLException {
    try {
      return seen(engine.wrap(srcs, offset, length, dst));
    } catch (SSLException e) {
      throw failed(e);
    }
  }

  @Override
  public SSLEngineResult unwrap(ByteBuffer src, ByteBuffer[] dsts, int offset, int length) throws SSLException {
    try {
      return seen(engine.unwrap(src, dsts, offset, length));
    } catch (SSLException e) {
      throw failed(e);
    }
  }

  @Override
  public void closeInbound() throws SSLException {
    try {
      engine.closeInbound();
    } catch (SSLException e) {
      if (!finished && !reported) {
        reported = true;
        log.report(HandshakeFailure.closedDuringHandshake(side, endpoint));
      }
      throw e;
    }
  }

  @Override
  public Runnable getDelegatedTask() {
    return engine.getDelegatedTask();
  }

  @Override
  public boolean isInboundDone() {
    return engine.isInboundDone();
  }

  @Override
  public void closeOutbound() {
    engine.closeOutbound();
  }

  @Override
  public boolean isOutboundDone() {
    return engine.isOutboundDone();
  }

  @Override
  public String[] getSupportedCipherSuites() {
    return engine.getSupportedCipherSuites();
  }

  @Override
  public String[] getEnabledCipherSuites() {
    return engine.getEnabledCipherSuites();
  }

  @Override
  public void setEnabledCipherSuites(String[] suites) {
    engine.setEnabledCipherSuites(suites);
  }

  @Override
  public String[] getSupportedProtocols() {
    return engine.getSupportedProtocols();
  }

  @Override
  public String[] getEnabledProtocols() {
    return engine.getEnabledProtocols();
  }

  @Override
  public void setEnabledProtocols(String[] protocols) {
    engine.setEnabledProtocols(protocols);
  }

  @Override
  public SSLSession getSession() {
    return engine.getSession();
  }

  @Override
  public SSLSession getHandshakeSession() {
    return engine.getHandshakeSession();
  }

  @Override
  public void beginHandshake() throws SSLException {
    try {
      engine.beginHandshake();
    } catch (SSLException e) {
      throw failed(e);
    }
  }

  @Override
  public SSLEngineResult.HandshakeStatus getHandshakeStatus() {
    return engine.getHandshakeStatus();
  }

  @Override
  public void setUseClientMode(boolean mode) {
    engine.setUseClientMode(mode);
  }

  @Override
  public boolean getUseClientMode() {
    return engine.getUseClientMode();
  }

  @Override
  public void setNeedClientAuth(boolean need) {
    engine.setNeedClientAuth(need);
  }

  @Override
  public boolean getNeedClientAuth() {
    return engine.getNeedClientAuth();
  }

  @Override
  public void setWantClientAuth(boolean want) {
    engine.setWantClientAuth(want);
  }

  @Override
  public boolean getWantClientAuth() {
    return engine.getWantClientAuth();
  }

  @Override
  public void setEnableSessionCreation(boolean flag) {
    engine.setEnableSessionCreation(flag);
  }

  @Override
  public boolean getEnableSessionCreation() {
    return engine.getEnableSessionCreation();
  }

  @Override
  public SSLParameters getSSLParameters() {
    return engine.getSSLParameters();
  }

  @Override
  public void setSSLParameters(SSLParameters params) {
    engine.setSSLParameters(params);
  }

  @Override
  public String getApplicationProtocol() {
    return engine.getApplicationProtocol();
  }

  @Override
  public String getHandshakeApplicationProtocol() {
    return engine.getHandshakeApplicationProtocol();
  }

  @Override
  public void setHandshakeApplicationProtocolSelector(BiFunction<SSLEngine, List<String>, String> selector) {
    engine.setHandshakeApplicationProtocolSelector(selector);
  }

  @Override
  public BiFunction<SSLEngine, List<String>, String> getHandshakeApplicationProtocolSelector() {
    return engine.getHandshakeApplicationProtocolSelector();
  }
}
