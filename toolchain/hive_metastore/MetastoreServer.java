/*
 * Starts a Hive Metastore 3.1.3 Thrift server bound to 127.0.0.1, and prints {"port": N} on one line
 * once its database is ready and the socket listens. Hive 3.1.3's own main (HiveMetaStore.main) binds
 * every interface; this one builds the same handler (HMSHandler behind RetryingHMSHandler,
 * TSetIpAddressProcessor, binary protocol, unframed) on a loopback socket, and exits when the
 * handler cannot start instead of hanging. The configuration is metastore-site.xml on the class path.
 * Usage: java -cp <conf dir>:<metastore jars>:<this class> MetastoreServer [port, 0 (the default) lets the OS pick]
 */
import java.net.InetSocketAddress;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hive.metastore.HiveMetaStore;
import org.apache.hadoop.hive.metastore.IHMSHandler;
import org.apache.hadoop.hive.metastore.RetryingHMSHandler;
import org.apache.hadoop.hive.metastore.TSetIpAddressProcessor;
import org.apache.hadoop.hive.metastore.conf.MetastoreConf;
import org.apache.thrift.protocol.TBinaryProtocol;
import org.apache.thrift.server.TThreadPoolServer;
import org.apache.thrift.transport.TServerSocket;
import org.apache.thrift.transport.TTransportFactory;

public final class MetastoreServer {
    private MetastoreServer() {}

    public static void main(String[] args) {
        try {
            serve(args.length > 0 ? Integer.parseInt(args[0]) : 0);
        } catch (Throwable error) {
            error.printStackTrace();
            System.exit(1);
        }
    }

    private static void serve(int port) throws Exception {
        Configuration conf = MetastoreConf.newMetastoreConf();
        IHMSHandler handler = RetryingHMSHandler.getProxy(conf, new HiveMetaStore.HMSHandler("metriccare metastore", conf, false), false);
        TServerSocket socket = new TServerSocket(new InetSocketAddress("127.0.0.1", port));
        TBinaryProtocol.Factory protocol = new TBinaryProtocol.Factory();
        TThreadPoolServer server = new TThreadPoolServer(new TThreadPoolServer.Args(socket)
                .processor(new TSetIpAddressProcessor<>(handler))
                .transportFactory(new TTransportFactory())
                .protocolFactory(protocol)
                .inputProtocolFactory(protocol)
                .minWorkerThreads(2)
                .maxWorkerThreads(50));
        System.out.println("{\"port\": " + socket.getServerSocket().getLocalPort() + "}");
        System.out.flush();
        server.serve();
    }
}
