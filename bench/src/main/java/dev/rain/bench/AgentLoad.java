package dev.rain.bench;

import com.sun.tools.attach.VirtualMachine;

/**
 * Loads a native agent into a running JVM with its options intact: {@code jcmd JVMTI.agent_load} splits
 * an option string at '=' (its own argument syntax), so async-profiler's {@code start,event=cpu} cannot
 * pass through it.
 *
 * <p>Usage: {@code AgentLoad <pid> <libasyncProfiler.so> <options>}.
 */
public final class AgentLoad {

    public static void main(String[] args) throws Exception {
        VirtualMachine vm = VirtualMachine.attach(args[0]);
        try {
            vm.loadAgentPath(args[1], args[2]);
        } finally {
            vm.detach();
        }
    }
}
