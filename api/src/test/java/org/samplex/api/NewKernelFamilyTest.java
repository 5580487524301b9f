package org.samplex.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import org.junit.jupiter.api.Test;

/** A backend written before a kernel family existed keeps compiling, and fails only where the family is called. */
class NewKernelFamilyTest {

    /** A plug-in backend that implements only name(): every default method runs as Backend defines it. */
    private static Backend writtenBeforeTheScan() {
        InvocationHandler h = (proxy, method, args) -> {
            if (method.getName().equals("name")) {
                return "plug";
            }
            if (method.isDefault()) {
                return InvocationHandler.invokeDefault(proxy, method, args);
            }
            throw new AssertionError("not part of this test: " + method.getName());
        };
        return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class}, h);
    }

    @Test
    void theScanFamilyThrowsUnsupportedOperationNamingTheFamilyAndTheBackend() {
        Backend plug = writtenBeforeTheScan();
        var forward = assertThrows(UnsupportedOperationException.class,
                () -> plug.scanForward(null, null, null, 1, 1, 1, false));
        assertEquals("backend 'plug' does not implement the linear scan kernel family (scanForward, scanBackward)",
                forward.getMessage());
        var backward = assertThrows(UnsupportedOperationException.class,
                () -> plug.scanBackward(null, null, null, null, null, 1, 1, 1, true));
        assertEquals(forward.getMessage(), backward.getMessage());
    }
}
