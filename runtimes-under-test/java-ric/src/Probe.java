// bootspec probe v1 (see docs/probe-contract.md) for aws-lambda-java-runtime-interface-client.
// Handler: Probe::handleRequest (default package, so class names reported by the client are bare).
//
// Init: the client loads this class with Class.forName(name, true, loader) and then creates one
// instance (EventHandlerLoader.newInstance) during init. The PROBE_INIT controls run in the
// constructor: an exception thrown there is reported through /runtime/init/error with the
// exception's class name (UserFault.makeUserFault(cause, fatal=true)); one thrown from a static
// initializer would be reported as java.lang.ExceptionInInitializerError instead.

import com.amazonaws.services.lambda.runtime.Client;
import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.logging.LogLevel;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

public class Probe implements RequestHandler<Map<String, Object>, Object> {
  private static final String INIT_ID = UUID.randomUUID().toString();

  // ---- restore controls (docs/probe-contract.md#restore-controls): SnapStart hooks ----
  // aws-lambda-java-runtime-interface-client 2.10.1 runs its own CRaC-style registry
  // (com.amazonaws.services.lambda.crac.Core) when AWS_LAMBDA_INITIALIZATION_TYPE=snap-start:
  // AWSLambda.onInitComplete calls beforeCheckpoint, then restore/next, then afterRestore, and
  // reports a failure of the first to /init/error and of the last to /restore/error. The registry
  // holds resources weakly (a WeakHashMap, and beforeCheckpoint calls System.gc()), so the probe
  // keeps its resource in a static field.
  private static final List<Map<String, Object>> RESTORE_HOOKS = new java.util.concurrent.CopyOnWriteArrayList<>();
  private static final String RESTORE_CONTROL = System.getenv("PROBE_RESTORE") == null ? "" : System.getenv("PROBE_RESTORE");
  private static final com.amazonaws.services.lambda.crac.Resource RESTORE_RESOURCE =
      new com.amazonaws.services.lambda.crac.Resource() {
        @Override
        public void beforeCheckpoint(com.amazonaws.services.lambda.crac.Context<? extends com.amazonaws.services.lambda.crac.Resource> c) {
          RESTORE_HOOKS.add(hook("before-snapshot"));
          if (RESTORE_CONTROL.equals("before-fail")) throw namedError("ProbeSnapshotError", "probe before-snapshot failure");
        }

        @Override
        public void afterRestore(com.amazonaws.services.lambda.crac.Context<? extends com.amazonaws.services.lambda.crac.Resource> c) {
          RESTORE_HOOKS.add(hook("after-restore"));
          if (RESTORE_CONTROL.equals("fail")) throw namedError("ProbeRestoreError", "probe after-restore failure");
        }
      };

  static {
    com.amazonaws.services.lambda.crac.Core.getGlobalContext().register(RESTORE_RESOURCE);
  }

  private static Map<String, Object> hook(String name) {
    Map<String, Object> h = new LinkedHashMap<>();
    h.put("hook", name);
    h.put("at", System.currentTimeMillis());
    return h;
  }
  private static int count = 0;

  public Probe() {
    String control = System.getenv("PROBE_INIT");
    if (control == null) control = "";
    if (control.equals("fail")) {
      throw new ProbeInitError("probe init failure");
    } else if (control.startsWith("exit:")) {
      System.out.flush();
      System.err.flush();
      Runtime.getRuntime().halt(Integer.parseInt(control.substring(5)));
    } else if (control.startsWith("sleep:")) {
      sleep(Long.parseLong(control.substring(6)));
    }
  }

  @Override
  public Object handleRequest(Map<String, Object> event, Context context) {
    Object op = event == null ? null : event.get("probe");
    switch (op instanceof String ? (String) op : "") {
      case "echo":
        return event.get("value");
      case "digest": {
        byte[] bytes = String.valueOf(event.get("value")).getBytes(StandardCharsets.UTF_8);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("utf8Bytes", bytes.length);
        out.put("sha256", sha256Hex(bytes));
        return out;
      }
      case "bytes": {
        int size = ((Number) event.get("size")).intValue();
        StringBuilder sb = new StringBuilder(size);
        for (int i = 0; i < size; i++) sb.append('x');
        return sb.toString();
      }
      case "context": {
        // sleepMs: wait first, then read what this invocation sees. With AWS_LAMBDA_MAX_CONCURRENCY the
        // client runs one platform thread per slot (AWSLambda.startRuntimeLoops), so this holds one slot.
        Object wait = event.get("sleepMs");
        if (wait instanceof Number && ((Number) wait).longValue() > 0) sleep(((Number) wait).longValue());
        return context(context);
      }
      case "env": {
        Object names = event.get("names");
        if (names instanceof List) {
          Map<String, Object> out = new LinkedHashMap<>();
          for (Object n : (List<?>) names) out.put(String.valueOf(n), System.getenv(String.valueOf(n)));
          return out;
        }
        return new TreeMap<>(System.getenv());
      }
      case "throw":
        throw namedError(String.valueOf(event.get("errorType")), String.valueOf(event.get("message")));
      case "sleep": {
        Object ms = event.get("ms");
        sleep(((Number) ms).longValue());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("sleptMs", ms);
        return out;
      }
      case "counter": {
        int n;
        synchronized (Probe.class) {
          n = ++count;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("count", n);
        out.put("pid", ProcessHandle.current().pid());
        out.put("initId", INIT_ID);
        return out;
      }
      case "tmp":
        return tmp(String.valueOf(event.get("file")));
      case "file":
        return file(String.valueOf(event.get("path")));
      case "log": {
        // System.out/System.err as a Java user writes lines; the client wraps both streams
        // (AWSLambda.getLambdaRequestHandlerObject: System.setOut/setErr with LambdaOutputStream)
        List<?> out = event.get("stdout") instanceof List ? (List<?>) event.get("stdout") : List.of();
        List<?> err = event.get("stderr") instanceof List ? (List<?>) event.get("stderr") : List.of();
        for (Object line : out) System.out.println(line);
        System.out.flush();
        for (Object line : err) System.err.println(line);
        System.err.flush();
        Map<String, Object> res = new LinkedHashMap<>();
        res.put("logged", out.size() + err.size());
        return res;
      }
      case "logger": {
        // The context's LambdaLogger with a level, as a Java user logs: the client formats it
        // (text or JSON), filters it by AWS_LAMBDA_LOG_LEVEL and frames it to the telemetry fd.
        List<?> records = event.get("records") instanceof List ? (List<?>) event.get("records") : List.of();
        // sleepMs: log only after the wait (another invocation may be delivered meanwhile)
        if (event.get("sleepMs") instanceof Number) sleep(((Number) event.get("sleepMs")).longValue());
        for (Object o : records) {
          Map<?, ?> r = o instanceof Map ? (Map<?, ?>) o : Map.of();
          LogLevel level;
          try {
            level = LogLevel.valueOf(String.valueOf(r.get("level")));
          } catch (IllegalArgumentException e) {
            throw namedError("ProbeBadRequest", "unknown level " + r.get("level"));
          }
          context.getLogger().log(String.valueOf(r.get("message")), level);
        }
        Map<String, Object> res = new LinkedHashMap<>();
        res.put("logged", records.size());
        return res;
      }
      case "restore-hooks": {
        Map<String, Object> res = new LinkedHashMap<>();
        res.put("hooks", new ArrayList<>(RESTORE_HOOKS));
        return res;
      }
      case "exit":
        System.out.flush();
        System.err.flush();
        Runtime.getRuntime().halt(((Number) event.get("code")).intValue());
        return null;
      case "memory": {
        int mb = ((Number) event.get("mb")).intValue();
        byte[][] blocks = new byte[mb][];
        long touched = 0;
        for (int i = 0; i < mb; i++) {
          blocks[i] = new byte[1024 * 1024];
          for (int j = 0; j < blocks[i].length; j += 4096) blocks[i][j] = 1; // touch every page
          touched += blocks[i][0];
        }
        Map<String, Object> res = new LinkedHashMap<>();
        res.put("allocatedMb", touched == mb ? mb : touched);
        return res;
      }
      default:
        throw namedError("ProbeUnknownOp", "unknown probe op: " + op);
    }
  }

  private static Map<String, Object> context(Context context) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("requestId", context.getAwsRequestId());
    out.put("functionArn", context.getInvokedFunctionArn());
    out.put("functionName", context.getFunctionName());
    out.put("functionVersion", context.getFunctionVersion());
    out.put("memoryLimitMb", context.getMemoryLimitInMB());
    out.put("logGroupName", context.getLogGroupName());
    out.put("logStreamName", context.getLogStreamName());
    out.put("remainingMs", context.getRemainingTimeInMillis());
    ClientContext cc = context.getClientContext();
    if (cc == null) {
      out.put("clientContext", null);
    } else {
      Map<String, Object> m = new LinkedHashMap<>();
      Client c = cc.getClient();
      if (c == null) {
        m.put("client", null);
      } else {
        Map<String, Object> cm = new LinkedHashMap<>();
        cm.put("installation_id", c.getInstallationId());
        cm.put("app_title", c.getAppTitle());
        cm.put("app_version_name", c.getAppVersionName());
        cm.put("app_version_code", c.getAppVersionCode());
        cm.put("app_package_name", c.getAppPackageName());
        m.put("client", cm);
      }
      m.put("custom", cc.getCustom());
      m.put("env", cc.getEnvironment());
      out.put("clientContext", m);
    }
    CognitoIdentity id = context.getIdentity();
    if (id == null) {
      out.put("identity", null);
    } else {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("cognitoIdentityId", id.getIdentityId());
      m.put("cognitoIdentityPoolId", id.getIdentityPoolId());
      out.put("identity", m);
    }
    // A JVM cannot change its own environment, so the Java client hands the trace header to user code
    // as the system property the X-Ray SDK for Java reads (AWSLambda.setEnvVarForXrayTraceId); that is
    // Java's _X_AMZN_TRACE_ID (docs/probe-contract.md: "the probe uses the closest thing").
    // With AWS_LAMBDA_MAX_CONCURRENCY the client sets no property; it puts the header in a thread-local
    // of the slot's thread instead (AWSLambda.startRuntimeLoop: SdkInternalThreadLocal, key
    // AWS_LAMBDA_X_TRACE_ID), read before the property: it is never set in the classic mode.
    String traceEnv = System.getenv("_X_AMZN_TRACE_ID");
    if (traceEnv == null) traceEnv = concurrentTraceId();
    out.put("traceEnv", traceEnv != null ? traceEnv : System.getProperty("com.amazonaws.xray.traceHeader"));
    out.put("tenantId", context.getTenantId());
    return out;
  }

  private static Map<String, Object> file(String path) {
    try {
      Map<String, Object> res = new LinkedHashMap<>();
      res.put("text", Files.readString(Paths.get(path), StandardCharsets.UTF_8));
      return res;
    } catch (IOException e) {
      throw namedError("ProbeFileError", "cannot read " + path + ": " + e);
    }
  }

  private static Map<String, Object> tmp(String name) {
    if (name.isEmpty() || name.equals(".") || name.equals("..") || name.contains("/")) {
      throw namedError("ProbeBadRequest", "bad tmp file name: " + name);
    }
    Path path = Paths.get("/tmp", name);
    try {
      String line = INIT_ID + " " + ProcessHandle.current().pid() + " " + Instant.now() + "\n";
      Files.write(path, line.getBytes(StandardCharsets.UTF_8), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      long lines = Files.readAllLines(path, StandardCharsets.UTF_8).stream().filter(l -> !l.isEmpty()).count();
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("lines", lines);
      return out;
    } catch (IOException e) {
      throw new RuntimeException(e);
    }
  }

  /** The client's per-thread trace header (utils-lite, on the layer's class path), or null. */
  private static String concurrentTraceId() {
    try {
      Object v = Class.forName("software.amazon.awssdk.utilslite.SdkInternalThreadLocal")
          .getMethod("get", String.class)
          .invoke(null, "AWS_LAMBDA_X_TRACE_ID");
      return v instanceof String ? (String) v : null;
    } catch (ReflectiveOperationException | LinkageError e) {
      return null;
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String sha256Hex(byte[] bytes) {
    try {
      StringBuilder sb = new StringBuilder();
      for (byte b : MessageDigest.getInstance("SHA-256").digest(bytes)) sb.append(String.format("%02x", b));
      return sb.toString();
    } catch (Exception e) {
      throw new RuntimeException(e);
    }
  }

  // ---- errors whose class name is chosen at run time ----
  // The client reports an invocation error's errorType as throwable.getClass().getName()
  // (LambdaErrorConverter.fromThrowable). Java cannot rename a class, so the probe defines a new
  // RuntimeException subclass named exactly errorType (dots become packages, so "a.B" stays "a.B").
  // Names the JVM refuses (containing '/', ';', '[', empty, or in a java.* package) fall back to
  // ProbeThrownError, with the requested type kept at the start of the message.

  private static final Map<String, Class<? extends RuntimeException>> ERROR_CLASSES = new ConcurrentHashMap<>();

  private static final class ErrorClassLoader extends ClassLoader {
    ErrorClassLoader() {
      super(Probe.class.getClassLoader());
    }

    Class<?> define(String binaryName, byte[] bytes) {
      return defineClass(binaryName, bytes, 0, bytes.length);
    }
  }

  private static final ErrorClassLoader ERROR_LOADER = new ErrorClassLoader();

  static RuntimeException namedError(String errorType, String message) {
    try {
      Class<? extends RuntimeException> cls = ERROR_CLASSES.computeIfAbsent(errorType, Probe::defineErrorClass);
      return cls.getConstructor(String.class).newInstance(message);
    } catch (Throwable t) {
      return new ProbeThrownError(errorType + ": " + message);
    }
  }

  @SuppressWarnings("unchecked")
  private static Class<? extends RuntimeException> defineErrorClass(String binaryName) {
    if (binaryName.isEmpty() || binaryName.matches(".*[/;\\[].*") || binaryName.startsWith(".")
        || binaryName.endsWith(".") || binaryName.contains("..")) {
      throw new IllegalArgumentException("not a class name: " + binaryName);
    }
    synchronized (ERROR_LOADER) {
      return (Class<? extends RuntimeException>) ERROR_LOADER.define(binaryName, errorClassBytes(binaryName));
    }
  }

  /** Class file of: public class <name> extends RuntimeException { public <name>(String m) { super(m); } } */
  private static byte[] errorClassBytes(String binaryName) {
    try {
      ByteArrayOutputStream buf = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(buf);
      out.writeInt(0xCAFEBABE);
      out.writeShort(0); // minor
      out.writeShort(52); // major: Java 8, no stack map frames needed for straight-line code
      out.writeShort(10); // constant pool count (entries 1..9)
      out.writeByte(1); out.writeUTF(binaryName.replace('.', '/')); // #1 Utf8 this
      out.writeByte(7); out.writeShort(1); // #2 Class #1
      out.writeByte(1); out.writeUTF("java/lang/RuntimeException"); // #3
      out.writeByte(7); out.writeShort(3); // #4 Class #3
      out.writeByte(1); out.writeUTF("<init>"); // #5
      out.writeByte(1); out.writeUTF("(Ljava/lang/String;)V"); // #6
      out.writeByte(12); out.writeShort(5); out.writeShort(6); // #7 NameAndType
      out.writeByte(10); out.writeShort(4); out.writeShort(7); // #8 Methodref super.<init>(String)
      out.writeByte(1); out.writeUTF("Code"); // #9
      out.writeShort(0x0021); // ACC_PUBLIC | ACC_SUPER
      out.writeShort(2); // this
      out.writeShort(4); // super
      out.writeShort(0); // interfaces
      out.writeShort(0); // fields
      out.writeShort(1); // methods
      out.writeShort(0x0001); out.writeShort(5); out.writeShort(6); // public <init>(String)
      out.writeShort(1); // attributes: Code
      out.writeShort(9);
      out.writeInt(18); // attribute length
      out.writeShort(2); // max stack
      out.writeShort(2); // max locals
      out.writeInt(6); // code length
      out.write(new byte[] {0x2a, 0x2b, (byte) 0xb7, 0x00, 0x08, (byte) 0xb1}); // aload_0 aload_1 invokespecial #8 return
      out.writeShort(0); // exception table
      out.writeShort(0); // code attributes
      out.writeShort(0); // class attributes
      out.flush();
      return buf.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}

/** Thrown by the constructor for PROBE_INIT=fail; default package, so its name is "ProbeInitError". */
class ProbeInitError extends RuntimeException {
  ProbeInitError(String message) {
    super(message);
  }
}

/** Fallback when errorType cannot be a JVM class name. */
class ProbeThrownError extends RuntimeException {
  ProbeThrownError(String message) {
    super(message);
  }
}
