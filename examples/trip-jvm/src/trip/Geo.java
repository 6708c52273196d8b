package trip;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Great-circle distances and the nearest-neighbour order of one day's plans. */
final class Geo {
    static final double EARTH_RADIUS_KM = 6371.0088;

    private Geo() {}

    static double haversineKm(double lat1, double lon1, double lat2, double lon2) {
        double phi1 = Math.toRadians(lat1);
        double phi2 = Math.toRadians(lat2);
        double halfDphi = (phi2 - phi1) / 2;
        double halfDlambda = Math.toRadians(lon2 - lon1) / 2;
        double a = Math.pow(Math.sin(halfDphi), 2)
                + Math.cos(phi1) * Math.cos(phi2) * Math.pow(Math.sin(halfDlambda), 2);
        return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1.0, Math.sqrt(a)));
    }

    static double round3(double value) {
        return Math.round(value * 1000.0) / 1000.0;
    }

    /** Plans (sorted by id) from the first, then always the nearest unvisited; adds leg_km. */
    static List<Map<String, Object>> orderByNearest(List<Store.Plan> plans, double[] totalKm) {
        List<Store.Plan> remaining = new ArrayList<>(plans);
        remaining.sort((a, b) -> Long.compare(a.id, b.id));
        List<Map<String, Object>> ordered = new ArrayList<>();
        totalKm[0] = 0.0;
        if (remaining.isEmpty()) {
            return ordered;
        }
        Store.Plan current = remaining.remove(0);
        Map<String, Object> first = new LinkedHashMap<>(current.toJson());
        first.put("leg_km", 0.0);
        ordered.add(first);
        double total = 0.0;
        while (!remaining.isEmpty()) {
            int best = 0;
            double bestKm = Double.MAX_VALUE;
            for (int i = 0; i < remaining.size(); i++) {
                Store.Plan p = remaining.get(i);
                double km = haversineKm(current.latitude, current.longitude, p.latitude, p.longitude);
                if (km < bestKm) {
                    bestKm = km;
                    best = i;
                }
            }
            current = remaining.remove(best);
            total += bestKm;
            Map<String, Object> row = new LinkedHashMap<>(current.toJson());
            row.put("leg_km", round3(bestKm));
            ordered.add(row);
        }
        totalKm[0] = round3(total);
        return ordered;
    }
}
